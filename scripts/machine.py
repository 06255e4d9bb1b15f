"""What the reference scripts print about the machine they ran on, beside their timings."""
import os
import platform


def cpu_name():
    """The CPU's model name (/proc/cpuinfo), or what the platform says."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe():
    """'AMD EPYC, 2 hardware threads'."""
    return f"{cpu_name()}, {os.cpu_count()} hardware threads"
