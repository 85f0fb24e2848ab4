#include "compute-engine.h"

#include "ns3/abort.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ComputeEngine");
NS_OBJECT_ENSURE_REGISTERED(ComputeEngine);

TypeId
ComputeEngine::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ComputeEngine")
            .SetParent<Object>()
            .SetGroupName("CeLslm")
            .AddConstructor<ComputeEngine>()
            .AddAttribute(
                "DeviceProfile",
                "Accelerator preset (h100, a100, l4, jetson-orin, phone-npu).",
                StringValue("a100"),
                MakeStringAccessor(&ComputeEngine::SetDeviceName, &ComputeEngine::GetDeviceName),
                MakeStringChecker())
            .AddAttribute(
                "ModelProfile",
                "Declared model preset whose cost is simulated (e.g. llama-3-8b).",
                StringValue("llama-3-8b"),
                MakeStringAccessor(&ComputeEngine::SetModelName, &ComputeEngine::GetModelName),
                MakeStringChecker())
            .AddAttribute("MaxBatch",
                          "Most jobs in one iteration (jobs); 0 uses the device profile's.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&ComputeEngine::m_maxBatch),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("PrefillChunkTokens",
                          "Most prefill tokens processed per iteration (tokens), shared by the "
                          "prefilling jobs in admission order (chunked prefill).",
                          UintegerValue(512),
                          MakeUintegerAccessor(&ComputeEngine::m_prefillChunk),
                          MakeUintegerChecker<uint32_t>(1))
            .AddTraceSource("QueueLength",
                            "Jobs waiting for admission.",
                            MakeTraceSourceAccessor(&ComputeEngine::m_queueLength),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("MemoryUsed",
                            "Device memory in use (bytes): weights plus reserved KV.",
                            MakeTraceSourceAccessor(&ComputeEngine::m_memoryUsed),
                            "ns3::TracedValueCallback::Double")
            .AddTraceSource("JobStart",
                            "A job was admitted: (id, time it waited).",
                            MakeTraceSourceAccessor(&ComputeEngine::m_jobStartTrace),
                            "ns3::ComputeEngine::JobTracedCallback")
            .AddTraceSource("JobEnd",
                            "A job finished: (id, time since submission).",
                            MakeTraceSourceAccessor(&ComputeEngine::m_jobEndTrace),
                            "ns3::ComputeEngine::JobTracedCallback")
            .AddTraceSource("Iteration",
                            "An iteration ended: (jobs in the batch, new tokens, duration).",
                            MakeTraceSourceAccessor(&ComputeEngine::m_iterationTrace),
                            "ns3::ComputeEngine::IterationTracedCallback");
    return tid;
}

ComputeEngine::ComputeEngine()
    : m_device(DeviceProfile::Get("a100"))
    , m_model(ModelProfile::Get("llama-3-8b"))
    , m_maxBatch(0)
    , m_prefillChunk(512)
    , m_notifying(false)
    , m_queueLength(0)
    , m_memoryUsed(0)
{
    m_memoryUsed = m_model.WeightBytes();
}

void
ComputeEngine::DoDispose()
{
    m_iterationEnd.Cancel();
    m_waiting.clear();
    m_running.clear();
    Object::DoDispose();
}

void
ComputeEngine::SetDevice(const DeviceProfile& device)
{
    device.Validate();
    NS_ABORT_MSG_IF(!m_running.empty() || !m_waiting.empty(),
                    "ComputeEngine: the device cannot change while jobs are queued");
    NS_ABORT_MSG_IF(m_model.WeightBytes() > device.memoryBytes,
                    "ComputeEngine: model '" << m_model.name << "' (" << m_model.WeightBytes()
                                             << " bytes) does not fit on device '" << device.name
                                             << "' (" << device.memoryBytes << " bytes)");
    m_device = device;
}

void
ComputeEngine::SetModel(const ModelProfile& model)
{
    NS_ABORT_MSG_IF(!m_running.empty() || !m_waiting.empty(),
                    "ComputeEngine: the model cannot change while jobs are queued");
    m_model = model;
    m_memoryUsed = m_model.WeightBytes() + CacheBytes();
}

void
ComputeEngine::SetDeviceName(const std::string& name)
{
    SetDevice(DeviceProfile::Get(name));
}

void
ComputeEngine::SetModelName(const std::string& name)
{
    SetModel(ModelProfile::Get(name));
}

std::string
ComputeEngine::GetDeviceName() const
{
    return m_device.name;
}

std::string
ComputeEngine::GetModelName() const
{
    return m_model.name;
}

const DeviceProfile&
ComputeEngine::GetDevice() const
{
    return m_device;
}

const ModelProfile&
ComputeEngine::GetModel() const
{
    return m_model;
}

double
ComputeEngine::ReservedBytes(const ComputeJob& job) const
{
    // Cached tokens whose KV a cache holds are charged to that cache (SetCacheBytes).
    const int64_t cached = job.cachedHeld ? 0 : job.cachedTokens;
    if (job.outputTokens == 0)
    {
        // A prefill-only stage fills the KV of its own layers; the others' is held elsewhere.
        const auto layers = m_model.LayerEnd(job.prefillLayerEnd) - job.prefillLayerBegin;
        const double share =
            static_cast<double>(layers) / static_cast<double>(m_model.shape.numLayers);
        return static_cast<double>(cached + job.promptTokens) * m_model.KvBytesPerToken() * share;
    }
    // Decode steps run every layer, so a job with outputs holds every layer's KV.
    const auto tokens = cached + job.promptTokens + job.outputTokens;
    return static_cast<double>(tokens) * m_model.KvBytesPerToken();
}

void
ComputeEngine::SetCacheBytes(const std::string& cache, double bytes)
{
    NS_ABORT_MSG_IF(bytes < 0 || !std::isfinite(bytes),
                    "ComputeEngine: cache '" << cache << "' holds " << bytes << " bytes");
    double& held = m_cacheBytes[cache];
    m_memoryUsed = m_memoryUsed + (bytes - held);
    const bool shrank = bytes < held;
    held = bytes;
    if (shrank && !m_waiting.empty())
    {
        StartIteration(); // room for a waiting job, if no iteration is running
    }
}

double
ComputeEngine::CacheBytes() const
{
    double caches = 0;
    for (const auto& [name, bytes] : m_cacheBytes)
    {
        caches += bytes;
    }
    return caches;
}

double
ComputeEngine::GetFreeMemory() const
{
    return m_device.memoryBytes - m_model.WeightBytes();
}

int64_t
ComputeEngine::BatchLimit() const
{
    return m_maxBatch > 0 ? m_maxBatch : m_device.maxBatch;
}

bool
ComputeEngine::Submit(const ComputeJob& job)
{
    if (job.promptTokens < 1 || job.cachedTokens < 0 || job.outputTokens < 0)
    {
        NS_LOG_WARN("job " << job.id << " rejected: no prompt or negative token counts");
        return false;
    }
    ModelProfile::Work shape{job.promptTokens,
                             0,
                             job.headRows,
                             job.prefillLayerBegin,
                             job.prefillLayerEnd};
    if (!m_model.IsPriceable(shape)
        || (job.outputTokens > 0
            && m_model.LayerEnd(job.prefillLayerEnd) != m_model.shape.numLayers))
    {
        NS_LOG_WARN("job " << job.id << " rejected: prefill layers [" << job.prefillLayerBegin
                           << ", " << job.prefillLayerEnd << ") invalid for "
                           << m_model.shape.numLayers << " layers, or outputs without the last");
        return false;
    }
    if (m_model.WeightBytes() + CacheBytes() + ReservedBytes(job) > m_device.memoryBytes)
    {
        // Caches shrink only when their owners evict: a job that does not fit beside them now
        // might wait for ever.
        NS_LOG_WARN("job " << job.id << " rejected: can never fit in memory beside the caches");
        return false;
    }
    Running running;
    running.job = job;
    running.submitted = Simulator::Now();
    running.kvTokens = job.cachedTokens;
    m_waiting.push_back(running);
    m_queueLength = static_cast<uint32_t>(m_waiting.size());
    StartIteration();
    return true;
}

bool
ComputeEngine::Cancel(uint64_t id)
{
    auto matches = [id](const Running& r)
    {
        return r.job.id == id;
    };
    const auto waiting = std::find_if(m_waiting.begin(), m_waiting.end(), matches);
    if (waiting != m_waiting.end())
    {
        m_waiting.erase(waiting);
        m_queueLength = static_cast<uint32_t>(m_waiting.size());
        return true;
    }
    const auto running = std::find_if(m_running.begin(), m_running.end(), matches);
    if (running != m_running.end())
    {
        m_memoryUsed = m_memoryUsed - ReservedBytes(running->job);
        m_running.erase(running);
        return true;
    }
    return false;
}

void
ComputeEngine::Admit()
{
    while (!m_waiting.empty() && static_cast<int64_t>(m_running.size()) < BatchLimit()
           && m_memoryUsed + ReservedBytes(m_waiting.front().job) <= m_device.memoryBytes)
    {
        m_running.push_back(m_waiting.front());
        m_waiting.pop_front();
        m_memoryUsed = m_memoryUsed + ReservedBytes(m_running.back().job);
        m_jobStartTrace(m_running.back().job.id, Simulator::Now() - m_running.back().submitted);
    }
    m_queueLength = static_cast<uint32_t>(m_waiting.size());
}

void
ComputeEngine::StartIteration()
{
    if (m_iterationEnd.IsRunning() || m_notifying)
    {
        return; // new jobs join at the next iteration boundary
    }
    Admit();
    std::vector<ModelProfile::Work> batch;
    int64_t prefillBudget = m_prefillChunk;
    for (Running& r : m_running)
    {
        const int64_t remaining = r.job.promptTokens - r.prefilled;
        if (remaining == 0)
        {
            r.chunk = 1;
            batch.push_back({1, r.kvTokens, 1}); // a decode step runs every layer
            continue;
        }
        r.chunk = std::min(remaining, prefillBudget);
        prefillBudget -= r.chunk;
        if (r.chunk > 0)
        {
            batch.push_back(PrefillWork(r, remaining));
        }
    }
    if (batch.empty())
    {
        return;
    }
    const llm::ForwardCost cost = m_model.BatchCost(batch);
    const Time duration =
        Seconds(m_device.Seconds(cost.flops, cost.BytesRead() + cost.BytesWritten()));
    m_iterationStart = Simulator::Now();
    m_iterationEnd = Simulator::Schedule(duration, &ComputeEngine::FinishIteration, this);
    NS_LOG_LOGIC("iteration of " << batch.size() << " jobs, " << duration.As(Time::US));
}

ModelProfile::Work
ComputeEngine::PrefillWork(const Running& r, int64_t remaining) const
{
    ModelProfile::Work work{r.chunk, r.kvTokens, 0, r.job.prefillLayerBegin, r.job.prefillLayerEnd};
    // The prompt's last chunk goes through the head only where the hidden state can: a stage
    // that stops before the last layer hands its output to another stage, not to the LM head.
    const bool reachesHead = m_model.LayerEnd(r.job.prefillLayerEnd) == m_model.shape.numLayers;
    if (r.chunk == remaining)
    {
        work.logitRows = r.job.headRows >= 0 ? r.job.headRows : (reachesHead ? 1 : 0);
    }
    return work;
}

bool
ComputeEngine::Advance(Running& r)
{
    if (r.chunk == 0)
    {
        return false;
    }
    if (r.prefilled < r.job.promptTokens)
    {
        r.prefilled += r.chunk;
        r.kvTokens += r.chunk;
        if (r.prefilled < r.job.promptTokens || r.job.outputTokens == 0)
        {
            return r.prefilled == r.job.promptTokens;
        }
    }
    else
    {
        r.kvTokens += 1; // the previous token's keys and values were written in this step
    }
    ++r.produced;
    return r.produced == r.job.outputTokens;
}

void
ComputeEngine::FinishIteration()
{
    const Time duration = Simulator::Now() - m_iterationStart;
    m_busy += duration;
    uint32_t tokens = 0;
    std::vector<std::function<void()>> notifications;
    std::vector<Running> still;
    const auto batchSize = static_cast<uint32_t>(std::count_if(m_running.begin(),
                                                               m_running.end(),
                                                               [](const Running& r)
                                                               {
                                                                   return r.chunk > 0;
                                                               }));
    for (Running& r : m_running)
    {
        tokens += static_cast<uint32_t>(r.chunk);
        const int64_t producedBefore = r.produced;
        const bool finished = Advance(r);
        if (r.produced > producedBefore && !r.job.tokenCallback.IsNull())
        {
            const auto index = static_cast<uint32_t>(r.produced - 1);
            const bool last = r.produced == r.job.outputTokens;
            notifications.push_back(
                [cb = r.job.tokenCallback, id = r.job.id, index, last]
                {
                    cb(id, index, last);
                });
        }
        if (finished)
        {
            m_memoryUsed = m_memoryUsed - ReservedBytes(r.job);
            m_jobEndTrace(r.job.id, Simulator::Now() - r.submitted);
            if (!r.job.doneCallback.IsNull())
            {
                notifications.push_back(
                    [cb = r.job.doneCallback, id = r.job.id]
                    {
                        cb(id);
                    });
            }
        }
        else
        {
            still.push_back(r);
        }
    }
    m_running = std::move(still);
    m_iterationTrace(batchSize, tokens, duration);
    // Callers may submit or cancel from a notification: the engine's state is settled by now.
    // The next iteration starts only after every notification, so that a job submitted from
    // one (the next stage, the next token's step) joins it instead of waiting one iteration.
    m_notifying = true;
    for (const auto& notify : notifications)
    {
        notify();
    }
    m_notifying = false;
    StartIteration();
}

uint32_t
ComputeEngine::GetQueueLength() const
{
    return static_cast<uint32_t>(m_waiting.size());
}

uint32_t
ComputeEngine::GetRunning() const
{
    return static_cast<uint32_t>(m_running.size());
}

double
ComputeEngine::GetMemoryUsed() const
{
    return m_memoryUsed;
}

Time
ComputeEngine::GetBusyTime() const
{
    return m_busy;
}

} // namespace ns3
