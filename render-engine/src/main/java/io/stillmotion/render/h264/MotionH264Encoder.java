package io.stillmotion.render.h264;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.RefPicMarkingIDR;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.codecs.h264.io.write.SliceHeaderWriter;
import org.jcodec.common.io.BitWriter;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * H.264 Main profile encoder (CABAC, no B frames) for camera moves over a still image. Codes one GOP at a time:
 * an IDR picture, then P pictures each predicted from the last reference picture along the known
 * camera motion (no motion search). Each call returns one Annex B access unit (the IDR one led by SPS and
 * PPS). The reconstruction, deblocking included, is computed as a decoder does it, so
 * {@link #reconstruction()} is exactly what any decoder outputs.
 * Frames are jcodec 4:2:0 pictures (samples stored as value - 128) padded to whole macroblocks.
 * Not thread-safe: one encoder per thread, reused GOP after GOP (each {@link #encodeIdr} starts
 * afresh), or one per GOP.
 */
public final class MotionH264Encoder {

  private static final int NAL_REF_IDC = 3;

  /**
   * A decoded reference picture, its frame_num and its interpolated planes. Nothing changes it
   * while frames are predicted from it, so any number of encoders on any threads may code
   * disposable frames from it at once ({@link #encodeDisposable}).
   */
  public static final class Reference {
    private final Picture picture;
    private final QuarterPelPlanes planes;
    private int frameNum;

    private Reference(int width, int height) {
      this.picture = Picture.create(width, height, ColorSpace.YUV420J);
      this.planes = new QuarterPelPlanes(width, height);
    }
  }

  private final SeqParameterSet sps;
  private final PictureParameterSet pps;
  private final SliceCoder coder;
  private final ByteBuffer buffer;
  private final int width;
  private final int height;
  /** The reference being predicted from and the one the next reference frame is decoded into; made on first use. */
  private Reference ref;
  private Reference spare;
  private Picture disposable;
  private Picture last;
  private int pictureCount = -1;

  public MotionH264Encoder(StreamFormat format) {
    this.sps = format.sps();
    this.pps = format.pps();
    this.coder = new SliceCoder(sps, pps);
    this.width = format.mbWidth() * 16;
    this.height = format.mbHeight() * 16;
    this.buffer = ByteBuffer.allocate(width * height * 4 + 4096);
  }

  /** Starts a GOP; consecutive IDR pictures of a stream need different ids (e.g. the GOP index). */
  public byte[] encodeIdr(Picture frame, int qp, int idrPicId) {
    pictureCount = 0;
    AnnexB nal = new AnnexB();
    nal.add(AnnexB.NAL_SPS, NAL_REF_IDC, rbsp(sps::write));
    nal.add(AnnexB.NAL_PPS, NAL_REF_IDC, rbsp(pps::write));
    SliceHeader sh = header(SliceType.I, qp, 0, 0);
    sh.idrPicId = idrPicId & 0xffff;
    sh.refPicMarkingIDR = new RefPicMarkingIDR(false, false);
    Reference target = spareReference();
    nal.add(AnnexB.NAL_IDR_SLICE, NAL_REF_IDC,
        slice(sh, true, NAL_REF_IDC, w -> coder.codeIntra(sh, frame, target.picture, w)));
    makeReference(target, 0);
    return nal.toByteArray();
  }

  /**
   * Codes the next frame of the GOP, predicted from the last reference frame, which
   * {@code motion} maps it onto. A frame coded as not a {@code reference} is never predicted
   * from, so it can be coarser without its errors carrying on through the GOP.
   */
  public byte[] encodeP(Picture frame, CameraMotion motion, int qp, boolean reference) {
    if (pictureCount < 0) {
      throw new IllegalStateException("a GOP starts with encodeIdr");
    }
    pictureCount++;
    return reference
        ? encodeReference(frame, pictureCount, motion, qp)
        : encodeDisposable(frame, ref, pictureCount, motion, qp);
  }

  /**
   * Codes picture {@code pictureIndex} of the GOP as the next reference frame, predicted from the
   * current one; the frames between them may be coded elsewhere ({@link #encodeDisposable}).
   */
  public byte[] encodeReference(Picture frame, int pictureIndex, CameraMotion motion, int qp) {
    if (pictureCount < 0) {
      throw new IllegalStateException("a GOP starts with encodeIdr");
    }
    pictureCount = pictureIndex;
    Reference target = spareReference();
    AnnexB nal = new AnnexB();
    SliceHeader sh = header(SliceType.P, qp, ref.frameNum + 1, pictureIndex);
    Reference from = ref;
    nal.add(AnnexB.NAL_SLICE, NAL_REF_IDC,
        slice(sh, false, NAL_REF_IDC, w -> coder.codeInter(sh, frame, from.picture, from.planes, target.picture,
            motion, true, w)));
    makeReference(target, from.frameNum + 1);
    return nal.toByteArray();
  }

  /**
   * The reference the next frame of this encoder's GOP is predicted from. It stays unchanged until
   * this encoder codes the reference frame after the next one: frames predicted from it may be
   * coded meanwhile, by other encoders of the same format, with {@link #encodeDisposable}.
   */
  public Reference reference() {
    return ref;
  }

  /**
   * Codes a frame no other frame predicts from, predicted from {@code from} (any encoder's
   * reference of the same format) as picture {@code pictureIndex} of its GOP. The access unit is
   * the one {@link #encodeP} would write for that frame after {@code from}; this encoder's own GOP
   * is left alone.
   */
  public byte[] encodeDisposable(Picture frame, Reference from, int pictureIndex, CameraMotion motion, int qp) {
    if (disposable == null) {
      disposable = Picture.create(width, height, ColorSpace.YUV420J);
    }
    Picture target = disposable;
    AnnexB nal = new AnnexB();
    SliceHeader sh = header(SliceType.P, qp, from.frameNum + 1, pictureIndex);
    nal.add(AnnexB.NAL_SLICE, 0,
        slice(sh, false, 0, w -> coder.codeInter(sh, frame, from.picture, from.planes, target, motion, false, w)));
    last = target;
    return nal.toByteArray();
  }

  /** The buffer the next reference picture is decoded into (never the current reference). */
  private Reference spareReference() {
    if (spare == null) {
      spare = new Reference(width, height);
    }
    return spare;
  }

  private void makeReference(Reference decoded, int frameNum) {
    decoded.frameNum = frameNum;
    decoded.planes.load(decoded.picture);
    spare = ref;
    ref = decoded;
    last = decoded.picture;
  }

  /** The decoded picture of the last frame coded, padded to whole macroblocks. */
  public Picture reconstruction() {
    return last;
  }

  private SliceHeader header(SliceType type, int qp, int frameNumber, int pictureIndex) {
    SliceHeader sh = new SliceHeader();
    sh.sps = sps;
    sh.pps = pps;
    sh.sliceType = type;
    int wrap = 1 << StreamFormat.LOG2_MAX_FRAME_NUM;
    sh.frameNum = frameNumber % wrap;
    sh.picOrderCntLsb = (2 * pictureIndex) % wrap;
    sh.sliceQpDelta = clampQp(qp) - (pps.picInitQpMinus26 + 26);
    sh.cabacInitIdc = StreamFormat.CABAC_INIT_IDC;
    return sh;
  }

  private static int clampQp(int qp) {
    return Math.max(Quant.MIN_QP, Math.min(Quant.MAX_QP, qp));
  }

  private ByteBuffer rbsp(Consumer<ByteBuffer> writer) {
    buffer.clear();
    writer.accept(buffer);
    buffer.flip();
    return buffer;
  }

  private ByteBuffer slice(SliceHeader sh, boolean idr, int refIdc, Consumer<BitWriter> body) {
    buffer.clear();
    BitWriter w = new BitWriter(buffer);
    SliceHeaderWriter.write(sh, idr, refIdc, w);
    body.accept(w);
    buffer.flip();
    return buffer;
  }
}
