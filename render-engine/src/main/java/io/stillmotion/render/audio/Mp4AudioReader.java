package io.stillmotion.render.audio;

import io.stillmotion.render.InvalidStoryException;
import java.util.ArrayList;
import java.util.List;

/**
 * AAC in an MP4 file (".m4a"): the first sound track's AudioSpecificConfig and its samples, read
 * from the sample tables. Our own small reader, strict about every size and count against the
 * bytes really there, so a hostile file costs no more memory than its own length. Fragmented and
 * encrypted files are refused, and so is any codec but AAC (LC, HE-AAC v1/v2).
 */
final class Mp4AudioReader {

  private static final int MAX_SAMPLES = 2_000_000;
  private static final int AOT_LC = 2;
  private static final int AOT_SBR = 5;
  private static final int AOT_PS = 29;

  /** A box: its type and where its content lies. */
  private record Box(String type, int start, int end) {
  }

  private Mp4AudioReader() {
  }

  static boolean looksLike(byte[] b) {
    return b.length >= 12 && Bytes.ascii(b, 4, "ftyp");
  }

  static Parsed read(byte[] b) throws InvalidStoryException {
    Box moov = null;
    for (Box box : children(b, 0, b.length)) {
      if (box.type().equals("moof")) {
        throw Soundtrack.unsupported("Fragmented MP4 audio is not supported; use a plain M4A file");
      }
      if (box.type().equals("moov")) {
        moov = box;
      }
    }
    if (moov == null) {
      throw Soundtrack.unreadable("the MP4 file has no index (moov box)");
    }
    for (Box trak : children(b, moov.start(), moov.end(), "trak")) {
      Box mdia = child(b, trak, "mdia");
      Box hdlr = mdia == null ? null : child(b, mdia, "hdlr");
      if (hdlr != null && hdlr.end() - hdlr.start() >= 12 && Bytes.ascii(b, hdlr.start() + 8, "soun")) {
        return soundTrack(b, mdia);
      }
    }
    throw Soundtrack.unsupported("The MP4 file has no sound track");
  }

  private static Parsed soundTrack(byte[] b, Box mdia) throws InvalidStoryException {
    int timescale = timescale(b, require(b, mdia, "mdhd"));
    Box table = require(b, require(b, mdia, "minf"), "stbl");
    byte[] asc = decoderConfig(b, require(b, table, "stsd"));
    int[] aac = audioSpecificConfig(asc);
    int[] sizes = sizes(b, require(b, table, "stsz"));
    int[] durations = durations(b, require(b, table, "stts"), sizes.length);
    long[] offsets = offsets(b, table, sizes);
    List<AudioTrack.Frame> frames = new ArrayList<>(sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] <= 0 || offsets[i] < 0 || offsets[i] + sizes[i] > b.length) {
        throw Soundtrack.unreadable("a sample lies outside the file");
      }
      frames.add(new AudioTrack.Frame(b, (int) offsets[i], sizes[i], durations[i]));
    }
    if (frames.isEmpty()) {
      throw Soundtrack.unreadable("the sound track has no samples");
    }
    return new Parsed(Soundtrack.Format.AAC_MP4, Soundtrack.OTI_AAC, asc, timescale, aac[0], aac[1], frames);
  }

  private static int timescale(byte[] b, Box mdhd) throws InvalidStoryException {
    int at = mdhd.start() + (b[mdhd.start()] == 1 ? 20 : 12);
    need(mdhd, at + 4);
    long ts = Bytes.u32(b, at);
    if (ts < 1000 || ts > 1_000_000) {
      throw Soundtrack.unreadable("its time scale is not plausible");
    }
    return (int) ts;
  }

  /** The esds box's DecoderSpecificInfo of the first sample entry, which must be mp4a/AAC. */
  private static byte[] decoderConfig(byte[] b, Box stsd) throws InvalidStoryException {
    need(stsd, stsd.start() + 8);
    List<Box> entries = children(b, stsd.start() + 8, stsd.end());
    if (entries.isEmpty()) {
      throw Soundtrack.unreadable("the sound track has no sample description");
    }
    Box entry = entries.get(0);
    if (!entry.type().equals("mp4a")) {
      throw Soundtrack.unsupported("The M4A file holds " + printable(entry.type()) + " audio, not AAC");
    }
    need(entry, entry.start() + 28);
    int version = Bytes.u16(b, entry.start() + 8);
    int skip = 28 + (version == 1 ? 16 : version == 2 ? 36 : 0);
    need(entry, entry.start() + skip);
    Box esds = null;
    for (Box c : children(b, entry.start() + skip, entry.end())) {
      if (c.type().equals("esds")) {
        esds = c;
      } else if (c.type().equals("wave")) {
        esds = child(b, c, "esds");
      }
    }
    if (esds == null) {
      throw Soundtrack.unreadable("its AAC configuration (esds) is missing");
    }
    return esdsConfig(b, esds.start() + 4, esds.end());
  }

  /** Walks ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo. */
  private static byte[] esdsConfig(byte[] b, int at, int end) throws InvalidStoryException {
    int pos = at;
    while (pos + 2 <= end) {
      int tag = Bytes.u8(b, pos++);
      int length = 0;
      for (int i = 0; i < 4 && pos < end; i++) {
        int v = Bytes.u8(b, pos++);
        length = (length << 7) | (v & 0x7F);
        if ((v & 0x80) == 0) {
          break;
        }
      }
      if (pos + length > end) {
        break;
      }
      if (tag == 0x03) {
        int flags = Bytes.u8(b, pos + 2);
        int skip = 3 + ((flags & 0x80) != 0 ? 2 : 0) + ((flags & 0x20) != 0 ? 2 : 0);
        if ((flags & 0x40) != 0 && pos + skip < end) {
          skip += 1 + Bytes.u8(b, pos + skip);
        }
        pos += skip;
      } else if (tag == 0x04) {
        int oti = Bytes.u8(b, pos);
        if (oti != Soundtrack.OTI_AAC && oti != 0x67) {
          throw Soundtrack.unsupported(String.format("The M4A file's audio is not AAC (object type 0x%02X)", oti));
        }
        pos += 13;
      } else if (tag == 0x05) {
        byte[] config = new byte[length];
        System.arraycopy(b, pos, config, 0, length);
        return config;
      } else {
        pos += length;
      }
    }
    throw Soundtrack.unreadable("its AAC configuration is missing");
  }

  /** Sample rate and channels from an AudioSpecificConfig of AAC LC, HE-AAC or HE-AAC v2. */
  private static int[] audioSpecificConfig(byte[] asc) throws InvalidStoryException {
    if (asc.length < 2) {
      throw Soundtrack.unreadable("its AAC configuration is too short");
    }
    long bits = 0;
    for (int i = 0; i < Math.min(8, asc.length); i++) {
      bits |= (long) (asc[i] & 0xFF) << (56 - 8 * i);
    }
    int aot = (int) (bits >>> 59);
    int rateIndex = (int) (bits >>> 55) & 0xF;
    int channels = (int) (bits >>> 51) & 0xF;
    if (aot != AOT_LC && aot != AOT_SBR && aot != AOT_PS) {
      throw Soundtrack.unsupported("This AAC file's object type " + aot + " is not played by browsers (LC, HE-AAC)");
    }
    if (rateIndex >= AdtsReader.RATES.length || channels < 1 || channels > 7) {
      throw Soundtrack.unreadable("its AAC configuration names no usual sample rate or channel layout");
    }
    int rate = AdtsReader.RATES[rateIndex];
    if (rate > Soundtrack.MAX_SAMPLE_RATE) {
      throw Soundtrack.unreadable("its sample rate is above 48 kHz");
    }
    return new int[] {rate, channels == 7 ? 8 : channels};
  }

  private static int[] sizes(byte[] b, Box stsz) throws InvalidStoryException {
    need(stsz, stsz.start() + 12);
    long fixed = Bytes.u32(b, stsz.start() + 4);
    long count = Bytes.u32(b, stsz.start() + 8);
    if (count > MAX_SAMPLES || fixed == 0 && stsz.start() + 12 + 4 * count > stsz.end()) {
      throw Soundtrack.unreadable("its sample table is inconsistent");
    }
    int[] sizes = new int[(int) count];
    for (int i = 0; i < count; i++) {
      long s = fixed != 0 ? fixed : Bytes.u32(b, stsz.start() + 12 + 4 * i);
      if (s > Soundtrack.MAX_BYTES) {
        throw Soundtrack.unreadable("a sample is larger than the file");
      }
      sizes[i] = (int) s;
    }
    return sizes;
  }

  private static int[] durations(byte[] b, Box stts, int samples) throws InvalidStoryException {
    need(stts, stts.start() + 8);
    long entries = Bytes.u32(b, stts.start() + 4);
    if (stts.start() + 8 + 8 * entries > stts.end()) {
      throw Soundtrack.unreadable("its timing table is inconsistent");
    }
    int[] durations = new int[samples];
    int i = 0;
    for (int e = 0; e < entries && i < samples; e++) {
      long count = Bytes.u32(b, stts.start() + 8 + 8 * e);
      long delta = Bytes.u32(b, stts.start() + 12 + 8 * e);
      if (delta > 1_000_000) {
        throw Soundtrack.unreadable("a sample lasts implausibly long");
      }
      for (long k = 0; k < count && i < samples; k++) {
        durations[i++] = (int) delta;
      }
    }
    if (i < samples) {
      throw Soundtrack.unreadable("its timing table covers fewer samples than it holds");
    }
    return durations;
  }

  /** Each sample's file offset, from the chunk offsets and the sample-to-chunk runs. */
  private static long[] offsets(byte[] b, Box stbl, int[] sizes) throws InvalidStoryException {
    Box stco = child(b, stbl, "stco");
    Box co64 = child(b, stbl, "co64");
    Box chunksBox = stco != null ? stco : co64;
    if (chunksBox == null) {
      throw Soundtrack.unreadable("its chunk offsets are missing");
    }
    int width = stco != null ? 4 : 8;
    need(chunksBox, chunksBox.start() + 8);
    long chunks = Bytes.u32(b, chunksBox.start() + 4);
    if (chunksBox.start() + 8 + width * chunks > chunksBox.end()) {
      throw Soundtrack.unreadable("its chunk table is inconsistent");
    }
    Box stsc = require(b, stbl, "stsc");
    need(stsc, stsc.start() + 8);
    long runs = Bytes.u32(b, stsc.start() + 4);
    if (runs < 1 || stsc.start() + 8 + 12 * runs > stsc.end()) {
      throw Soundtrack.unreadable("its sample-to-chunk table is inconsistent");
    }
    long[] offsets = new long[sizes.length];
    int sample = 0;
    for (int run = 0; run < runs && sample < sizes.length; run++) {
      long firstChunk = Bytes.u32(b, stsc.start() + 8 + 12 * run);
      long perChunk = Bytes.u32(b, stsc.start() + 12 + 12 * run);
      long nextFirst = run + 1 < runs ? Bytes.u32(b, stsc.start() + 8 + 12 * (run + 1)) : chunks + 1;
      if (firstChunk < 1 || nextFirst < firstChunk || nextFirst > chunks + 1 || perChunk > MAX_SAMPLES) {
        throw Soundtrack.unreadable("its sample-to-chunk table is inconsistent");
      }
      for (long c = firstChunk; c < nextFirst && sample < sizes.length; c++) {
        int at = chunksBox.start() + 8 + width * (int) (c - 1);
        long offset = width == 4 ? Bytes.u32(b, at) : Bytes.u64(b, at);
        for (long k = 0; k < perChunk && sample < sizes.length; k++) {
          offsets[sample] = offset;
          offset += sizes[sample++];
        }
      }
    }
    if (sample < sizes.length) {
      throw Soundtrack.unreadable("its chunks hold fewer samples than it lists");
    }
    return offsets;
  }

  private static List<Box> children(byte[] b, int start, int end) throws InvalidStoryException {
    List<Box> boxes = new ArrayList<>();
    int pos = start;
    while (pos + 8 <= end) {
      long size = Bytes.u32(b, pos);
      String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      int header = 8;
      if (size == 1) {
        if (pos + 16 > end) {
          throw Soundtrack.unreadable("a box is cut short");
        }
        size = Bytes.u64(b, pos + 8);
        header = 16;
      } else if (size == 0) {
        size = end - pos;
      }
      if (size < header || size > end - pos) {
        throw Soundtrack.unreadable("a box is larger than what holds it");
      }
      boxes.add(new Box(type, pos + header, (int) (pos + size)));
      pos += (int) size;
    }
    return boxes;
  }

  private static List<Box> children(byte[] b, int start, int end, String type) throws InvalidStoryException {
    return children(b, start, end).stream().filter(x -> x.type().equals(type)).toList();
  }

  private static Box child(byte[] b, Box parent, String type) throws InvalidStoryException {
    List<Box> found = children(b, parent.start(), parent.end(), type);
    return found.isEmpty() ? null : found.get(0);
  }

  private static Box require(byte[] b, Box parent, String type) throws InvalidStoryException {
    Box c = child(b, parent, type);
    if (c == null) {
      throw Soundtrack.unreadable("its " + type + " box is missing");
    }
    return c;
  }

  private static void need(Box box, long end) throws InvalidStoryException {
    if (end > box.end()) {
      throw Soundtrack.unreadable("its " + box.type() + " box is cut short");
    }
  }

  private static String printable(String fourcc) {
    return fourcc.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? "'" + fourcc + "'" : "non-AAC";
  }
}
