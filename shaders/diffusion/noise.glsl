// Counter-based N(0, I) pairs: a pcg_hash chain over (seed, step, particle, draw), 24-bit
// uniforms, Box-Muller. CPU twin: counterGaussian in compute/Samplers.cpp (the integer part is
// bit-identical; log/cos differ only in the last float bits).
uint pcgHash(uint v) {
  uint state = v * 747796405u + 2891336453u;
  uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

vec2 counterGaussian(uint seed, uint step, uint particle, uint draw) {
  uint h1 = pcgHash(seed ^ pcgHash(step * 0x9E3779B9u ^ pcgHash(particle * 4u + draw)));
  uint h2 = pcgHash(h1 ^ 0x68E31DA4u);
  float u1 = (float(h1 >> 8) + 0.5) / 16777216.0;
  float u2 = float(h2 >> 8) / 16777216.0;
  float r = sqrt(-2.0 * log(u1));
  float th = 6.28318530718 * u2;
  return r * vec2(cos(th), sin(th));
}
