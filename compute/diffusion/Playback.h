#pragma once
// Playback: which step of a run the user wants to see, and the play clock that advances it.
// Stepping by hand pauses; playing past the last step either holds then restarts from the
// noise (loop) or pauses.
namespace flowscope {

class Playback {
 public:
  static constexpr double kHoldAtEndSeconds = 1.5;
  static constexpr double kMaxTickSeconds = 0.25;  // a stalled frame does not skip many steps

  int target() const { return target_; }
  bool playing() const { return playing_; }
  void play() { playing_ = true; }
  void pause() { playing_ = false; }
  void toggle() { playing_ = !playing_; }
  void stepForward(int steps) { pauseAndSet(target_ + 1, steps); }
  void stepBack(int steps) { pauseAndSet(target_ - 1, steps); }
  void reset() { pauseAndSet(0, 0); }
  void scrub(int k, int steps) { pauseAndSet(k, steps); }
  // Keeps the target inside [0, steps] when the number of steps changes.
  void clamp(int steps);
  void tick(double seconds, double stepsPerSecond, int steps, bool loop);

 private:
  void pauseAndSet(int k, int steps);
  int target_ = 0;
  bool playing_ = false;
  double accumulator_ = 0.0;
  double held_ = 0.0;
};

}  // namespace flowscope
