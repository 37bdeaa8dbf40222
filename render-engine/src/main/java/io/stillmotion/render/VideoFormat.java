package io.stillmotion.render;

/** What every frame of one video shares: size, rate and the size/quality trade-off. */
record VideoFormat(int width, int height, int fps, Quality quality) {
}
