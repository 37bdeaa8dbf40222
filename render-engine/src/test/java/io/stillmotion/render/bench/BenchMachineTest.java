package io.stillmotion.render.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchMachineTest {

  private static final String CPUINFO = "processor\t: 0\nvendor_id\t: GenuineIntel\n"
      + "model name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu sse2 avx avx2 avx512f avx512bw\n\n"
      + "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) Processor\n";

  @Test
  void readsTheFirstCpusFields() {
    assertThat(BenchMachine.field(CPUINFO, "model name")).contains("Intel(R) Xeon(R) Processor");
    assertThat(BenchMachine.field(CPUINFO, "flags")).contains("fpu sse2 avx avx2 avx512f avx512bw");
    assertThat(BenchMachine.field(CPUINFO, "bogomips")).isEmpty();
  }

  @Test
  void namesTheWidestVectorExtension() {
    assertThat(BenchMachine.vectorWidth("fpu sse2 avx avx2 avx512f")).isEqualTo("AVX-512");
    assertThat(BenchMachine.vectorWidth("fpu sse2 avx avx2")).isEqualTo("AVX2");
    assertThat(BenchMachine.vectorWidth("fpu sse2 avx512bw_not_f")).isEqualTo("no AVX2");
    assertThat(BenchMachine.vectorWidth("")).isEqualTo("vector width unknown");
  }
}
