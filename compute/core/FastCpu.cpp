#include "FastCpu.h"

namespace flowscope {

std::string fastCpuName() {
  return "fast CPU, float32 (OpenBLAS + Eigen, " + std::to_string(fastCpuThreads()) + " threads)";
}

}  // namespace flowscope
