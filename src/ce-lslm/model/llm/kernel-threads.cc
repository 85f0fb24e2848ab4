#include "kernel-threads.h"

#include "llm-error.h"

#include <Eigen/Core>
#include <atomic>
#include <string>
#include <thread>

namespace ns3
{
namespace llm
{

namespace
{
std::atomic<int> g_threads{1};
} // namespace

void
KernelThreads::Set(int threads)
{
    if (threads < 1)
    {
        throw LlmError("kernel threads must be >= 1, got " + std::to_string(threads));
    }
    g_threads = threads;
}

int
KernelThreads::Get()
{
    return g_threads;
}

int
KernelThreads::Hardware()
{
    const unsigned count = std::thread::hardware_concurrency();
    return count == 0 ? 1 : static_cast<int>(count);
}

} // namespace llm
} // namespace ns3
