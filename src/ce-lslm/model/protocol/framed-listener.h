/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FRAMED_LISTENER_H
#define CE_LSLM_FRAMED_LISTENER_H

#include "framed-connection.h"

#include "ns3/callback.h"
#include "ns3/node.h"
#include "ns3/object.h"
#include "ns3/socket.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A TCP server port whose accepted connections are FramedConnections.
 *
 * The server application sets the new connection's callbacks in the accept callback, before
 * any message can arrive on it. The listener owns the connections it accepted and disposes of
 * them with itself.
 */
class FramedListener : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FramedListener();
    ~FramedListener() override;

    /**
     * \brief Start accepting TCP connections on \p port of every address of \p node.
     * \param node the server node
     * \param port TCP port
     */
    void Listen(Ptr<Node> node, uint16_t port);

    /// \param callback called with every accepted connection
    void SetAcceptCallback(Callback<void, Ptr<FramedConnection>> callback);

    /// Stop accepting and close every accepted connection.
    void Close();

    /// \return the number of accepted connections still held (closed ones are pruned)
    std::size_t GetAcceptedCount() const;

  protected:
    void DoDispose() override;

  private:
    /// Close the listening socket and detach its callbacks (which point to this object).
    void StopListening();

    /**
     * \brief Wrap an accepted socket in a FramedConnection.
     * \param socket the new socket
     * \param from the peer's address
     */
    void HandleAccept(Ptr<Socket> socket, const Address& from);

    Ptr<Socket> m_socket;                             //!< listening socket
    std::vector<Ptr<FramedConnection>> m_connections; //!< accepted connections
    Callback<void, Ptr<FramedConnection>> m_accept;   //!< application's accept callback
};

} // namespace ns3

#endif // CE_LSLM_FRAMED_LISTENER_H
