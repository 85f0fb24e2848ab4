/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_REQUEST_HANDOVER_H
#define CE_LSLM_REQUEST_HANDOVER_H

#include "request-server.h"

#include "ns3/framed-connection.h"
#include "ns3/protocol-message.h"

#include <cstdint>
#include <map>
#include <set>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The requests a server has handed over to another node (e.g. a CE-LSLM edge falling
 * back to the cloud): it sends each one on as a REQUEST and turns the TOKEN and ERROR
 * messages that answer it back into the server's token and failure callbacks, so the
 * requester sees one answer from the server it asked.
 *
 * A handed-over request ends with its last token, an ERROR, a cancel (a CANCEL goes on; the
 * tokens already on their way are dropped quietly) or the loss of its connection (it fails
 * with UPSTREAM_UNAVAILABLE).
 */
class RequestHandover
{
  public:
    /**
     * \param onToken where the answer's tokens go
     * \param onFailure where failures go
     */
    void SetCallbacks(RequestServer::TokenCallback onToken,
                      RequestServer::FailureCallback onFailure);

    /**
     * \brief Hand a request over: send it on \p link.
     * \param request the request, as its server received it
     * \param link the connection to the node that is to answer (null: none)
     * \return false if there is no link (the caller fails the request)
     */
    bool HandOver(const ServedRequest& request, Ptr<FramedConnection> link);

    /**
     * \param from the connection a message came on
     * \param message the message
     * \return whether it answers a request handed over on that connection (then it was
     * handled)
     */
    bool HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message);

    /**
     * \brief The requester gave up: tell the answering node; later tokens are dropped.
     * \param id the request
     * \return whether it was handed over
     */
    bool Cancel(uint64_t id);

    /**
     * \brief A connection ended: its handed-over requests fail (UPSTREAM_UNAVAILABLE).
     * \param connection the connection
     */
    void HandleConnectionClosed(Ptr<FramedConnection> connection);

    /// \brief Forget everything without a callback (the node restarted; its requests were
    /// cancelled before).
    void Clear();

    /// \return the requests handed over and not ended
    uint32_t GetCount() const;

  private:
    std::map<uint64_t, Ptr<FramedConnection>> m_handedOver; //!< request -> its link
    std::map<uint64_t, Ptr<FramedConnection>> m_cancelled;  //!< answers still on their way
    RequestServer::TokenCallback m_onToken;                 //!< tokens
    RequestServer::FailureCallback m_onFailure;             //!< failures
};

} // namespace ns3

#endif // CE_LSLM_REQUEST_HANDOVER_H
