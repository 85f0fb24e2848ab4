#ifndef CE_LSLM_KERNEL_THREADS_H
#define CE_LSLM_KERNEL_THREADS_H

namespace ns3
{
namespace llm
{

/**
 * \brief How many threads the kernel's matrix products and attention may use.
 *
 * Process-wide, 1 by default: a simulation runs many small calls, sweeps run one process per
 * core, and results are bit-identical for a given thread count (Eigen's blocking depends on it).
 * Simulated time never depends on this setting; only wall time does.
 */
class KernelThreads
{
  public:
    /// Set the thread count (>= 1; values above the hardware's are allowed).
    static void Set(int threads);
    /// \return the thread count
    static int Get();
    /// \return the hardware's concurrency (at least 1)
    static int Hardware();
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_KERNEL_THREADS_H
