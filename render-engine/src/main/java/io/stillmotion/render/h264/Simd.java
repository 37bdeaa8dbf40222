package io.stillmotion.render.h264;

/**
 * Whether the encoder's kernels use the Vector API ({@code jdk.incubator.vector}), decided once per
 * JVM: only when the JVM was started with {@code --add-modules jdk.incubator.vector} (the module is
 * then in the boot layer and the JVM prints "WARNING: Using incubator modules: jdk.incubator.vector"
 * on its standard error at start: the JDK's notice that the API may still change, not a fault), when
 * the CPU has 256-bit vectors (AVX2: below that C2 does not compile the kernels' vector shapes to
 * instructions, and the API's plain-Java fallback, which allocates per operation, would run
 * instead), and unless {@code -Dstillmotion.simd=false}. Otherwise every kernel's scalar form runs,
 * with the same results.
 *
 * <p>The price is paid in a fresh JVM: until C2 has compiled a kernel the API runs as that fallback,
 * and C1 and C2 compile hundreds of the API's own methods on the way (first 720p render of the path
 * photo, JDK 17, -XX:+CITime: 1,950 C1 and 354 C2 methods against 1,322 and 217 without; its CPU
 * 19% higher). A low-priority thread warming the kernel before the coders switch to it cost as much.
 */
final class Simd {

  static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("stillmotion.simd", "true"))
      && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && VectorLumaSad.supported();

  private Simd() {
  }
}
