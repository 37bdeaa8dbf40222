package io.stillmotion.render.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.decode.SliceHeaderReader;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.NALUnitType;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.SliceHeader;
import org.jcodec.common.io.BitReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The deblocking offsets a reference picture chooses travel in its slice header (the decoder tests
 * of {@link MotionH264EncoderTest} check that decoders then filter exactly as the encoder did).
 */
class DeblockingOffsetsTest {

  @Test
  @DisplayName("reference pictures announce the deblocking offsets they chose, and the pictures predicted from one take its offsets")
  void offsetsTravelInTheSliceHeaders() {
    List<Integer> chosen = new ArrayList<>();
    for (Scenes.Move move : Scenes.Move.values()) {
      for (int qp : new int[] {20, 30, 38}) {
        Streams.Gop gop = Streams.encode(move, 320, 192, 12, qp);
        SeqParameterSet sps = null;
        PictureParameterSet pps = null;
        int referenceOffset = Integer.MIN_VALUE;
        for (int f = 0; f < gop.units().size(); f++) {
          ByteBuffer unit = ByteBuffer.wrap(gop.units().get(f));
          ByteBuffer nalData;
          while ((nalData = H264Utils.nextNALUnit(unit)) != null) {
            NALUnit nal = NALUnit.read(nalData);
            ByteBuffer rbsp = nalData.duplicate();
            H264Utils.unescapeNAL(rbsp);
            if (nal.type == NALUnitType.SPS) {
              sps = SeqParameterSet.read(rbsp);
            } else if (nal.type == NALUnitType.PPS) {
              pps = PictureParameterSet.read(rbsp);
              assertThat(pps.deblockingFilterControlPresentFlag).isTrue();
            } else if (nal.type == NALUnitType.IDR_SLICE || nal.type == NALUnitType.NON_IDR_SLICE) {
              BitReader reader = BitReader.createBitReader(rbsp);
              SliceHeader sh = SliceHeaderReader.readPart2(SliceHeaderReader.readPart1(reader), nal, sps, pps, reader);
              String where = move + " QP " + qp + " frame " + f;
              assertThat(sh.disableDeblockingFilterIdc).as(where).isZero();
              assertThat(sh.sliceBetaOffsetDiv2).as(where).isEqualTo(sh.sliceAlphaC0OffsetDiv2);
              assertThat(sh.sliceAlphaC0OffsetDiv2).as(where).isBetween(-2, 2);
              if (nal.nal_ref_idc != 0) {
                referenceOffset = sh.sliceAlphaC0OffsetDiv2;
                chosen.add(referenceOffset);
              } else {
                assertThat(sh.sliceAlphaC0OffsetDiv2).as(where).isEqualTo(referenceOffset);
              }
            }
          }
        }
      }
    }
    assertThat(chosen).as("offsets chosen by the reference pictures").contains(0).anyMatch(o -> o != 0);
  }
}
