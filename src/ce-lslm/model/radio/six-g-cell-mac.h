/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_CELL_MAC_H
#define CE_LSLM_SIX_G_CELL_MAC_H

#include "six-g-channel.h"
#include "six-g-link-adaptation.h"
#include "six-g-link.h"
#include "six-g-mcs-table.h"
#include "six-g-scheduler.h"
#include "six-g-transport-block-info.h"

#include "ns3/event-id.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <memory>
#include <vector>

namespace ns3
{

class SixGNetDevice;

/**
 * \ingroup ce-lslm
 * \brief The MAC of one cell: every slot, it schedules the cell's terminals on the slot's
 * direction (TDD) and, at the end of the slot, decides which transport blocks were decoded.
 *
 * At the start of slot k (time k x slot duration):
 *  1. the transmissions of slot k-1 are concluded: SINR = S / (N + I), with I the power of
 *     other cells' transmissions of slot k-1 in the same resource blocks; HARQ chase
 *     combining; a Bernoulli draw against the BLER; packets delivered (in order); the
 *     segments of a block that failed its last HARQ transmission queued again (ARQ);
 *     OLLA, channel report and served-rate average updated; one TransportBlock trace each;
 *  2. HARQ retransmissions that are due are placed first, with their original size;
 *  3. the scheduler shares the remaining resource blocks among the terminals with new data;
 *     each gets the MCS of its CQI (from its last channel report minus the OLLA back-off) and
 *     a transport block of min(TBS, Shannon bits) filled from its buffer.
 * Link adaptation sees the channel as it was at the last transmission on the link, or, when
 * that is older than CqiPeriod, as it is now (a periodic CSI report).
 *
 * The slot events run only while the cell has something to send: a slot with nothing to do
 * is skipped, and a packet arriving at an idle cell wakes it at the next slot boundary. Base
 * station and terminals know each other's buffers at once (ideal buffer status reports) and
 * grants take effect in the slot they are given.
 */
class SixGCellMac : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SixGCellMac();
    ~SixGCellMac() override;

    /**
     * \param channel the channel
     * \param bs the base-station device of the cell
     * \param cellId the cell's identifier (unique on the channel)
     */
    void Configure(Ptr<SixGChannel> channel, Ptr<SixGNetDevice> bs, uint32_t cellId);

    /**
     * \brief Add a terminal; its identifier (RNTI) is the number of terminals before it.
     * \param ue the terminal's device
     * \return its RNTI
     */
    uint32_t AddTerminal(Ptr<SixGNetDevice> ue);
    /// \return the number of terminals
    uint32_t GetTerminalCount() const;
    /**
     * \param rnti a terminal
     * \param direction a direction
     * \return its link in that direction
     */
    Ptr<SixGLink> GetLink(uint32_t rnti, SixGLink::Direction direction) const;

    /// A link got new data: make sure a slot will serve it.
    void NotifyBacklog();

    /// \return the link abstraction tables in use
    const SixGMcsTable& GetMcsTable() const;

    /**
     * \param stream first stream index
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    /// A transmission of the current slot, concluded at the slot's end.
    struct Pending
    {
        Ptr<SixGLink> link;  //!< the link
        uint32_t process;    //!< its HARQ process
        SixGTransmission tx; //!< what other cells see
        double signalW;      //!< received power in the allocation, in W
        double fullPowerW;   //!< received power at full transmit power, in W
        double noiseW;       //!< noise in the allocation, in W
        uint32_t layers;     //!< MIMO layers
    };

    /// Work of a slot boundary: conclude the previous slot, schedule this one, plan the next.
    void SlotBoundary(uint64_t slot);
    /// \param slot conclude the pending transmissions of this slot
    void ConcludeSlot(uint64_t slot);
    /// \param pending conclude one transmission
    void Conclude(const Pending& pending);
    /// \param slot schedule this slot
    void ScheduleSlot(uint64_t slot);
    /**
     * \brief Place the due retransmissions of a direction.
     * \param slot the slot
     * \param direction its direction
     * \param cursor first free resource block (advanced)
     */
    void PlaceRetransmissions(uint64_t slot, SixGLink::Direction direction, uint32_t& cursor);
    /**
     * \brief Run the scheduler over the new data of a direction.
     * \param slot the slot
     * \param direction its direction
     * \param cursor first free resource block (advanced)
     */
    void PlaceNewData(uint64_t slot, SixGLink::Direction direction, uint32_t& cursor);
    /**
     * \brief Start a new transport block on a link.
     * \param slot the slot
     * \param link the link
     * \param rbStart first resource block
     * \param rbs resource blocks
     * \return resource blocks used (0 if nothing could be sent)
     */
    uint32_t StartBlock(uint64_t slot, Ptr<SixGLink> link, uint32_t rbStart, uint32_t rbs);
    /**
     * \brief Transmit (or retransmit) the block of a HARQ process in this slot.
     * \param slot the slot
     * \param link the link
     * \param process the process
     * \param rbStart first resource block
     */
    void Transmit(uint64_t slot, Ptr<SixGLink> link, uint32_t process, uint32_t rbStart);

    /// \param link refresh its channel report when it is older than CqiPeriod
    void RefreshReport(SixGLink& link);
    /**
     * \param link a link
     * \return received power at full transmit power, now, in W (antenna gains, path loss,
     * shadowing and fading)
     */
    double GetFullPowerW(const SixGLink& link);
    /**
     * \brief Choose the rank, MCS and size of an allocation of \p link (SixGLinkAdaptation).
     * \param link a link
     * \param rbs resource blocks of the allocation
     * \param symbols data symbols
     * \param[out] choice the rank, MCS and transport block size
     * \return false when no MCS serves the link (nothing can be sent)
     */
    bool Adapt(const SixGLink& link,
               uint32_t rbs,
               uint32_t symbols,
               SixGLinkAdaptation::Choice& choice) const;
    /// \return the link adaptation, built on the MCS table on first use
    const SixGLinkAdaptation& GetAdaptation() const;
    /// \return resource blocks per group
    uint32_t GetRbgSize() const;
    /**
     * \param direction a direction
     * \param slot a slot of that direction
     * \return whether a link of that direction has something to send in that slot
     */
    bool HasWork(SixGLink::Direction direction, uint64_t slot) const;
    /**
     * \param from first slot to consider
     * \return the first slot from \p from on with something to send (UINT64_MAX: none)
     */
    uint64_t FindNextSlot(uint64_t from) const;
    /// \param slot make the next slot boundary event happen at this slot
    void PlanBoundary(uint64_t slot);

    Ptr<SixGChannel> m_channel;                    //!< the channel
    Ptr<SixGNetDevice> m_bs;                       //!< the cell's base station
    uint32_t m_cellId{0};                          //!< cell identifier
    std::vector<Ptr<SixGLink>> m_downlinks;        //!< per RNTI
    std::vector<Ptr<SixGLink>> m_uplinks;          //!< per RNTI
    Ptr<SixGScheduler> m_scheduler;                //!< shares the resource blocks
    mutable std::unique_ptr<SixGMcsTable> m_table; //!< built from the attributes on first use
    mutable std::unique_ptr<SixGLinkAdaptation> m_adaptation; //!< on m_table, on first use
    double m_multiLayerSinrDb{10.0};     //!< SINR below which a link sends one layer, in dB
    Ptr<UniformRandomVariable> m_decode; //!< decoding draws
    std::vector<Pending> m_pending;      //!< transmissions of m_pendingSlot
    uint64_t m_pendingSlot{0};           //!< slot of m_pending
    EventId m_boundary;                  //!< next slot boundary event
    uint64_t m_boundarySlot{0};          //!< its slot
    uint64_t m_processedSlots{0};        //!< slots whose boundary has run (+1 of last)
    bool m_inBoundary{false};            //!< inside SlotBoundary
    uint32_t m_harqProcesses;            //!< HARQ processes per link
    uint32_t m_maxTransmissions;         //!< HARQ transmissions at most
    uint32_t m_harqRttSlots;             //!< HARQ retransmission delay
    uint32_t m_arqRetransmissions;       //!< ARQ resends of lost blocks' segments
    uint32_t m_rbgSize;                  //!< RBs per group (0: TS 38.214 table)
    Time m_cqiPeriod;                    //!< channel report refresh period
    double m_ollaStepDb;                 //!< OLLA step
    double m_blerTarget;                 //!< OLLA target
    Time m_pfTimeConstant;               //!< served-rate averaging
    double m_gapDb;                      //!< Shannon gap of the MCS thresholds
    double m_blerSlope;                  //!< BLER curve steepness
    TracedCallback<const SixGTransportBlockInfo&> m_tbTrace; //!< per transmission
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_CELL_MAC_H
