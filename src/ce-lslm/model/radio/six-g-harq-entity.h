/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_SIX_G_HARQ_ENTITY_H
#define CE_LSLM_SIX_G_HARQ_ENTITY_H

#include "six-g-tx-buffer.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The HARQ processes of one terminal and direction, with chase combining.
 *
 * A transport block occupies a process until it is decoded or has been sent MaxTransmissions
 * times. Every transmission of a block repeats the same bits (same MCS, same resource blocks),
 * and the receiver adds the copies up (maximum-ratio combining), so the block is decoded with
 * the effective SINR
 *
 *   SINR_eff(n) = sum of the linear SINRs of transmissions 1..n.
 *
 * After a failed transmission the block may be sent again RttSlots slots later at the
 * earliest (the feedback and processing delay).
 */
class SixGHarqEntity
{
  public:
    /// One HARQ process.
    struct Process
    {
        bool active{false};                          //!< holds a block
        bool inFlight{false};                        //!< being transmitted in this slot
        std::vector<SixGTxBuffer::Segment> segments; //!< what the block carries
        uint64_t tbsBits{0};                         //!< transport block size, in bits
        uint64_t payloadBytes{0};                    //!< bytes of packets it carries
        uint8_t mcs{0};                              //!< MCS of every transmission
        uint8_t cqi{0};                              //!< CQI it was chosen with
        uint32_t rbs{0};                             //!< resource blocks of every transmission
        uint32_t symbols{0};                         //!< OFDM symbols of every transmission
        uint32_t layers{1};                          //!< MIMO layers of every transmission
        uint8_t transmissions{0};                    //!< transmissions so far
        double combinedSinr{0};                      //!< sum of linear SINRs so far
        uint64_t readySlot{0};                       //!< earliest slot for a retransmission
    };

    /// What happens to a block after a transmission.
    enum Outcome
    {
        DECODED,    //!< decoded: the process is free
        RETRANSMIT, //!< not decoded: wait for a retransmission
        LOST        //!< not decoded after the last transmission: the process is free
    };

    /**
     * \param processes number of processes (>= 1)
     * \param maxTransmissions transmissions of a block at most (>= 1)
     * \param rttSlots slots from a failed transmission to the earliest retransmission (>= 1)
     */
    SixGHarqEntity(uint32_t processes, uint8_t maxTransmissions, uint32_t rttSlots);

    /// \return the index of a free process, or -1 if all are busy
    int FindFree() const;
    /**
     * \param id process index
     * \return the process
     */
    Process& Get(uint32_t id);
    /// \copydoc Get
    const Process& Get(uint32_t id) const;
    /// \return the number of processes
    uint32_t GetCount() const;

    /**
     * \param slot a slot index
     * \return the processes waiting for a retransmission that may be sent in \p slot, the
     * longest waiting first
     */
    std::vector<uint32_t> GetRetransmissions(uint64_t slot) const;
    /// \return the earliest slot at which a waiting block may be sent again (UINT64_MAX if none)
    uint64_t GetEarliestRetransmission() const;
    /// \return whether any process holds a block
    bool IsBusy() const;

    /**
     * \brief Account for one more transmission of a block and combine its SINR.
     * \param id process index
     * \param sinr linear SINR of this transmission
     * \return the effective SINR after combining (linear)
     */
    double Combine(uint32_t id, double sinr);

    /**
     * \brief Conclude the transmission of process \p id.
     * \param id process index
     * \param decoded whether the receiver decoded the block
     * \param slot the slot of the transmission
     * \return what happens next
     */
    Outcome Conclude(uint32_t id, bool decoded, uint64_t slot);

    /// \return the transmissions a block gets at most
    uint8_t GetMaxTransmissions() const;

  private:
    std::vector<Process> m_processes; //!< the processes
    uint8_t m_maxTransmissions;       //!< transmissions at most
    uint32_t m_rttSlots;              //!< retransmission delay, in slots
};

} // namespace ns3

#endif // CE_LSLM_SIX_G_HARQ_ENTITY_H
