/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "blockage-channel-condition-model.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("BlockageChannelConditionModel");

NS_OBJECT_ENSURE_REGISTERED(BlockageChannelConditionModel);

namespace
{

/// An identifier of the link between two nodes, the same in both directions.
uint64_t
LinkKey(Ptr<const MobilityModel> a, Ptr<const MobilityModel> b)
{
    Ptr<Node> nodeA = a->GetObject<Node>();
    Ptr<Node> nodeB = b->GetObject<Node>();
    NS_ABORT_MSG_UNLESS(nodeA && nodeB,
                        "BlockageChannelConditionModel: mobility models must belong to nodes");
    uint64_t low = std::min(nodeA->GetId(), nodeB->GetId());
    uint64_t high = std::max(nodeA->GetId(), nodeB->GetId());
    return (high << 32) | low;
}

} // namespace

TypeId
BlockageChannelConditionModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::BlockageChannelConditionModel")
            .SetParent<ChannelConditionModel>()
            .SetGroupName("CeLslm")
            .AddConstructor<BlockageChannelConditionModel>()
            .AddAttribute("InnerModel",
                          "Channel condition model deciding line of sight when nothing blocks "
                          "(null: always line of sight).",
                          PointerValue(),
                          MakePointerAccessor(&BlockageChannelConditionModel::SetInnerModel,
                                              &BlockageChannelConditionModel::GetInnerModel),
                          MakePointerChecker<ChannelConditionModel>())
            .AddAttribute("Rate",
                          "Blockages per second of unblocked time on each link, in 1/s "
                          "(0 = no blockage).",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&BlockageChannelConditionModel::m_rate),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("MeanDuration",
                          "Mean duration of a blockage, in s (exponentially distributed).",
                          TimeValue(MilliSeconds(300)),
                          MakeTimeAccessor(&BlockageChannelConditionModel::m_meanDuration),
                          MakeTimeChecker(NanoSeconds(1)));
    return tid;
}

BlockageChannelConditionModel::BlockageChannelConditionModel()
    : m_rate(0)
    , m_uniform(CreateObject<UniformRandomVariable>())
    , m_exponential(CreateObject<ExponentialRandomVariable>())
{
    m_exponential->SetAttribute("Mean", DoubleValue(1.0));
}

BlockageChannelConditionModel::~BlockageChannelConditionModel() = default;

void
BlockageChannelConditionModel::DoDispose()
{
    m_inner = nullptr;
    m_links.clear();
    ChannelConditionModel::DoDispose();
}

void
BlockageChannelConditionModel::SetInnerModel(Ptr<ChannelConditionModel> model)
{
    m_inner = model;
}

Ptr<ChannelConditionModel>
BlockageChannelConditionModel::GetInnerModel() const
{
    return m_inner;
}

Time
BlockageChannelConditionModel::DrawPeriod(bool blocked) const
{
    double mean = blocked ? m_meanDuration.GetSeconds() : 1.0 / m_rate;
    // At least 1 ns, so that the process always moves forward.
    return std::max(Seconds(mean * m_exponential->GetValue()), NanoSeconds(1));
}

bool
BlockageChannelConditionModel::IsBlocked(Ptr<const MobilityModel> a,
                                         Ptr<const MobilityModel> b) const
{
    if (m_rate <= 0)
    {
        return false;
    }
    Time now = Simulator::Now();
    uint64_t key = LinkKey(a, b);
    auto it = m_links.find(key);
    if (it == m_links.end())
    {
        // Stationary start: blocked with probability rate x duration / (1 + rate x duration);
        // the remaining time of an exponential period is exponential with the same mean.
        double busy = m_rate * m_meanDuration.GetSeconds();
        bool blocked = m_uniform->GetValue() < busy / (1.0 + busy);
        it = m_links.emplace(key, LinkState{blocked, now + DrawPeriod(blocked)}).first;
    }
    LinkState& link = it->second;
    while (link.nextChange <= now)
    {
        link.blocked = !link.blocked;
        link.nextChange += DrawPeriod(link.blocked);
    }
    return link.blocked;
}

Ptr<ChannelCondition>
BlockageChannelConditionModel::GetChannelCondition(Ptr<const MobilityModel> a,
                                                   Ptr<const MobilityModel> b) const
{
    Ptr<ChannelCondition> clear = m_inner ? m_inner->GetChannelCondition(a, b)
                                          : CreateObject<ChannelCondition>(ChannelCondition::LOS);
    if (clear->IsLos() && IsBlocked(a, b))
    {
        // A new object: the inner model may keep and reuse the one it returned.
        return CreateObject<ChannelCondition>(ChannelCondition::NLOS, clear->GetO2iCondition());
    }
    return clear;
}

int64_t
BlockageChannelConditionModel::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    m_exponential->SetStream(stream + 1);
    int64_t used = 2;
    if (m_inner)
    {
        used += m_inner->AssignStreams(stream + used);
    }
    return used;
}

} // namespace ns3
