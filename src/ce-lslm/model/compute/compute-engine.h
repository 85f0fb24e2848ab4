#ifndef CE_LSLM_COMPUTE_ENGINE_H
#define CE_LSLM_COMPUTE_ENGINE_H

#include "compute-job.h"
#include "device-profile.h"
#include "model-profile.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \brief A node's accelerator in simulated time: queued jobs, continuous batching, memory.
 *
 * Iteration-level scheduling (as in Orca and vLLM): each iteration advances every running job
 * in its decode phase by one token and spends up to PrefillChunkTokens on the prefills of
 * running jobs, in admission order. Its duration is the roofline of the whole batch's FLOPs and
 * bytes (ModelProfile::BatchCost on the DeviceProfile). Waiting jobs are admitted in FIFO order
 * at iteration boundaries while the batch has room (MaxBatch) and device memory holds the
 * weights plus every admitted job's reserved KV (cached + prompt + output tokens); a job that
 * does not fit waits, and so do the ones behind it. With MaxBatch = 1 the engine serves one job
 * at a time. Simulated time depends only on the profiles and token counts. A job submitted
 * from a token or done callback joins the iteration that starts right after the one that
 * called it (the engine notifies every finished job before it starts the next iteration).
 *
 * A job's prefill may cover a range of layers (ComputeJob::prefillLayerBegin/End): its chunks
 * are priced on those layers only and, if it has no outputs, it reserves the KV of those layers
 * only. Decode steps always run (and reserve) every layer.
 */
class ComputeEngine : public Object
{
  public:
    /// \return the TypeId
    static TypeId GetTypeId();
    ComputeEngine();

    /// Use this device (overrides the DeviceProfile attribute).
    void SetDevice(const DeviceProfile& device);
    /// Price work with this declared model (overrides the ModelProfile attribute).
    void SetModel(const ModelProfile& model);
    /// \return the device
    const DeviceProfile& GetDevice() const;
    /// \return the declared model
    const ModelProfile& GetModel() const;

    /**
     * Queue a job. Returns false (and queues nothing) if the job can never fit in memory, has
     * no prompt, has a prefill layer range outside the declared model (an empty range only with
     * head rows: ComputeJob::headRows), or has output tokens
     * but a prefill that stops before the last layer; the caller then fails its request.
     */
    bool Submit(const ComputeJob& job);
    /// Remove a waiting or running job; its callbacks are not called. \return whether found
    bool Cancel(uint64_t id);

    /**
     * \brief Charge a cache kept on this device (a context cache, a KV store) to its memory:
     * \p bytes replaces what \p cache held before. The caches count in MemoryUsed and leave
     * that much less room to admit jobs; shrinking one may admit waiting jobs.
     * \param cache the cache's name
     * \param bytes what it holds now, in bytes (>= 0)
     */
    void SetCacheBytes(const std::string& cache, double bytes);
    /// \return device memory the weights leave, in bytes (what caches and jobs share)
    double GetFreeMemory() const;

    /// \return jobs waiting for admission
    uint32_t GetQueueLength() const;
    /// \return jobs admitted and not finished
    uint32_t GetRunning() const;
    /// \return bytes of device memory in use (weights + reserved KV)
    double GetMemoryUsed() const;
    /// \return total busy time so far
    Time GetBusyTime() const;

    /// TracedCallback signature for job start and end: (job id, time since submission).
    typedef void (*JobTracedCallback)(uint64_t id, Time sinceSubmit);
    /// TracedCallback signature for an iteration: (jobs in the batch, new tokens, duration).
    typedef void (*IterationTracedCallback)(uint32_t jobs, uint32_t tokens, Time duration);

  protected:
    void DoDispose() override;

  private:
    /// \brief A job with its progress.
    struct Running
    {
        ComputeJob job;        //!< the job
        Time submitted;        //!< submission time
        int64_t kvTokens = 0;  //!< tokens in its KV cache now
        int64_t prefilled = 0; //!< prompt tokens processed
        int64_t produced = 0;  //!< output tokens produced
        int64_t chunk = 0;     //!< tokens it processes in the current iteration
    };

    void SetDeviceName(const std::string& name);
    void SetModelName(const std::string& name);
    std::string GetDeviceName() const;
    std::string GetModelName() const;
    double ReservedBytes(const ComputeJob& job) const;
    /// \return bytes every cache holds (SetCacheBytes)
    double CacheBytes() const;
    int64_t BatchLimit() const;
    void Admit();
    void StartIteration();
    void FinishIteration();
    bool Advance(Running& running);
    /// \return the work of a prefilling job's chunk (its layer range; the head on its last chunk)
    ModelProfile::Work PrefillWork(const Running& running, int64_t remaining) const;

    DeviceProfile m_device;                                    //!< accelerator
    ModelProfile m_model;                                      //!< declared model
    uint32_t m_maxBatch;                                       //!< 0: the device's max batch
    uint32_t m_prefillChunk;                                   //!< prefill tokens per iteration
    bool m_notifying;                                          //!< finished jobs being notified
    std::map<std::string, double> m_cacheBytes;                //!< memory of each cache
    std::deque<Running> m_waiting;                             //!< FIFO of submitted jobs
    std::vector<Running> m_running;                            //!< admitted jobs, admission order
    EventId m_iterationEnd;                                    //!< end of the current iteration
    Time m_iterationStart;                                     //!< start of the current iteration
    Time m_busy;                                               //!< accumulated busy time
    TracedValue<uint32_t> m_queueLength;                       //!< waiting jobs
    TracedValue<double> m_memoryUsed;                          //!< bytes in use
    TracedCallback<uint64_t, Time> m_jobStartTrace;            //!< admitted
    TracedCallback<uint64_t, Time> m_jobEndTrace;              //!< finished
    TracedCallback<uint32_t, uint32_t, Time> m_iterationTrace; //!< iteration done
};

} // namespace ns3

#endif // CE_LSLM_COMPUTE_ENGINE_H
