/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_PACED_SERVER_H
#define CE_LSLM_PACED_SERVER_H

#include "request-server.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <map>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The network-only mode's server: no model runs; the answer's tokens leave at a fixed
 * interval, each carrying TokenBytes zero bytes, to study the network alone.
 *
 * The first token leaves one interval after the request arrived.
 */
class PacedServer : public RequestServer
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    void Serve(const ServedRequest& request) override;
    void Cancel(uint64_t id) override;
    uint32_t GetActiveRequests() const override;

  protected:
    void DoDispose() override;

  private:
    /**
     * \brief Produce the next token of an answer and schedule the one after.
     * \param id the request
     */
    void NextToken(uint64_t id);

    /// An answer being paced out.
    struct Answer
    {
        uint32_t nextIndex{0};    //!< next token to produce
        uint32_t answerTokens{0}; //!< tokens to produce in all
        EventId event;            //!< next NextToken
    };

    Time m_interval;                      //!< time between tokens
    uint32_t m_tokenBytes;                //!< bytes per token
    std::map<uint64_t, Answer> m_answers; //!< answers in progress
};

} // namespace ns3

#endif // CE_LSLM_PACED_SERVER_H
