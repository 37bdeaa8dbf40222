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
 * H.264 Constrained Baseline encoder for camera moves over a still image. Codes one GOP at a time:
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

  private final SeqParameterSet sps;
  private final PictureParameterSet pps;
  private final SliceCoder coder;
  private final ByteBuffer buffer;
  private Picture recon;
  private Picture ref;
  private final Picture disposable;
  private Picture last;
  /** frame_num of the last reference picture; -1 before the first IDR. */
  private int frameNum = -1;
  private int pictureCount;

  public MotionH264Encoder(StreamFormat format) {
    this.sps = format.sps();
    this.pps = format.pps();
    this.coder = new SliceCoder(sps, pps);
    int w = format.mbWidth() * 16;
    int h = format.mbHeight() * 16;
    this.recon = Picture.create(w, h, ColorSpace.YUV420J);
    this.ref = Picture.create(w, h, ColorSpace.YUV420J);
    this.disposable = Picture.create(w, h, ColorSpace.YUV420J);
    this.buffer = ByteBuffer.allocate(w * h * 4 + 4096);
  }

  /** Starts a GOP; consecutive IDR pictures of a stream need different ids (e.g. the GOP index). */
  public byte[] encodeIdr(Picture frame, int qp, int idrPicId) {
    frameNum = 0;
    pictureCount = 0;
    AnnexB nal = new AnnexB();
    nal.add(AnnexB.NAL_SPS, NAL_REF_IDC, rbsp(sps::write));
    nal.add(AnnexB.NAL_PPS, NAL_REF_IDC, rbsp(pps::write));
    SliceHeader sh = header(SliceType.I, qp, 0);
    sh.idrPicId = idrPicId & 0xffff;
    sh.refPicMarkingIDR = new RefPicMarkingIDR(false, false);
    Picture target = recon;
    nal.add(AnnexB.NAL_IDR_SLICE, NAL_REF_IDC,
        slice(sh, true, NAL_REF_IDC, w -> coder.codeIntra(sh, frame, target, w)));
    recon = ref;
    ref = target;
    last = target;
    coder.referenceChanged();
    return nal.toByteArray();
  }

  /**
   * Codes the next frame of the GOP, predicted from the last reference frame, which
   * {@code motion} maps it onto. A frame coded as not a {@code reference} is never predicted
   * from, so it can be coarser without its errors carrying on through the GOP.
   */
  public byte[] encodeP(Picture frame, CameraMotion motion, int qp, boolean reference) {
    if (frameNum < 0) {
      throw new IllegalStateException("a GOP starts with encodeIdr");
    }
    pictureCount++;
    int refIdc = reference ? NAL_REF_IDC : 0;
    Picture target = reference ? recon : disposable;
    AnnexB nal = new AnnexB();
    SliceHeader sh = header(SliceType.P, qp, frameNum + 1);
    nal.add(AnnexB.NAL_SLICE, refIdc,
        slice(sh, false, refIdc, w -> coder.codeInter(sh, frame, ref, target, motion, w)));
    last = target;
    if (reference) {
      frameNum++;
      recon = ref;
      ref = target;
      coder.referenceChanged();
    }
    return nal.toByteArray();
  }

  /** The decoded picture of the last frame coded, padded to whole macroblocks. */
  public Picture reconstruction() {
    return last;
  }

  private SliceHeader header(SliceType type, int qp, int frameNumber) {
    SliceHeader sh = new SliceHeader();
    sh.sps = sps;
    sh.pps = pps;
    sh.sliceType = type;
    int wrap = 1 << StreamFormat.LOG2_MAX_FRAME_NUM;
    sh.frameNum = frameNumber % wrap;
    sh.picOrderCntLsb = (2 * pictureCount) % wrap;
    sh.sliceQpDelta = clampQp(qp) - (pps.picInitQpMinus26 + 26);
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
    w.write1Bit(1);
    w.flush();
    buffer.flip();
    return buffer;
  }
}
