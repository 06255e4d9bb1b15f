#pragma once
// How the split view pairs its two runs (same data, seed, noise and step count): the state of the
// comparison run drawn beside the primary run's shown state.
#include <string>

namespace flowscope {

class DiffusionSimulation;

enum class CompareAt {
  Step,   // the same step index
  Sigma,  // the comparison's state nearest in noise level (log sigma)
  Nfe     // the comparison's last state reached within the same model evaluations
};

std::string compareAtName(CompareAt at);            // "step", "sigma", "nfe"
CompareAt parseCompareAt(const std::string& name);  // InputError listing the names

// The comparison run's state for the primary's state `step`. Sigma: sigma 0 (the end) pairs with
// sigma 0, an infinite sigma (flow at t = 1) with the start, else the nearest log sigma (the
// earlier state on a tie). Nfe: the largest state whose evaluations do not exceed the primary's.
int compareState(CompareAt at, const DiffusionSimulation& primary, int step,
                 const DiffusionSimulation& compare);

}  // namespace flowscope
