#include <nlohmann/json.hpp>

#include <iostream>

#include "CliCommon.h"

namespace flowscope::cli {

void addInfoCommand(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand(
      "info", "List Vulkan devices, the one Flowscope would choose, and versions");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print one JSON object instead of text");
  cmd->callback([&run, json] {
    run = [json] {
      auto devices = GpuContext::enumerate();
      uint32_t loader = 0;
      vkEnumerateInstanceVersion(&loader);
      nlohmann::json out;
      out["flowscope"] = "0.1.0";
      out["vulkan_loader"] = vulkanVersionString(loader);
      out["vulkan_headers"] = vulkanVersionString(VK_HEADER_VERSION_COMPLETE);
      out["cpu"] = cpuDescription();
      out["devices"] = nlohmann::json::array();
      for (const auto& d : devices)
        out["devices"].push_back({{"index", d.index},
                                  {"name", d.name},
                                  {"type", d.type},
                                  {"api", vulkanVersionString(d.apiVersion)},
                                  {"driver_version", d.driverVersion}});
      out["chosen"] = nullptr;
      std::string why;
      try {
        out["chosen"] = devices.at(chooseDevice(devices, std::getenv("FLOWSCOPE_DEVICE"))).index;
      } catch (const GpuError& e) {
        why = e.what();
      }
      if (*json) {
        std::cout << out.dump(2) << "\n";
        return int(kOk);
      }
      std::cout << "flowscope 0.1.0\nVulkan loader " << out["vulkan_loader"].get<std::string>()
                << ", headers " << out["vulkan_headers"].get<std::string>()
                << "\nCPU: " << out["cpu"].get<std::string>() << "\n";
      if (devices.empty()) std::cout << "No Vulkan device: the CPU backend will be used.\n";
      for (const auto& d : devices)
        std::cout << (out["chosen"] == d.index ? "* " : "  ") << d.index << ": " << d.name << " ("
                  << d.type << ", Vulkan " << vulkanVersionString(d.apiVersion) << ")\n";
      if (!why.empty()) std::cout << "No device chosen: " << why << "\n";
      return int(kOk);
    };
  });
}

}  // namespace flowscope::cli
