/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_REQUEST_SERVER_H
#define CE_LSLM_REQUEST_SERVER_H

#include "ns3/callback.h"
#include "ns3/compute-engine.h"
#include "ns3/error-header.h"
#include "ns3/framed-connection.h"
#include "ns3/object.h"
#include "ns3/protocol-message.h"
#include "ns3/request-header.h"

#include <cstdint>
#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief A request as the node that answers it received it: its id, its header and its
 * payload (the query text, or zero bytes for a synthetic workload).
 */
struct ServedRequest
{
    uint64_t id{0};       //!< request id
    RequestHeader header; //!< token counts, context id and workload item
    std::string query;    //!< the message's payload
};

/**
 * \ingroup ce-lslm
 * \brief Answers requests at one node and produces their tokens in simulated time.
 *
 * The applications own the connections; a server only computes. The node that answers a
 * request (cloud, edge or the terminal itself) hands it to its server and forwards each token
 * the server produces to whoever asked. Which node gets which server is the inference mode's
 * decision (InferenceMode::CreateServer), so a new mode brings its own servers and never
 * touches the applications.
 */
class RequestServer : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /// Called for each token produced: request id, 0-based index, whether it is the last,
    /// and the token's text.
    using TokenCallback = Callback<void, uint64_t, uint32_t, bool, std::string>;
    /**
     * TracedCallback signature of a server's "Fallback" trace source: a request is answered
     * another way than its mode's normal one.
     * \param id request id
     * \param how which fallback ("edge-prefill", "standalone")
     */
    typedef void (*FallbackTracedCallback)(uint64_t id, const std::string& how);

    /// Called when a request cannot be answered: request id, why.
    using FailureCallback = Callback<void, uint64_t, ErrorHeader::Code>;

    /// \param callback where produced tokens go
    void SetTokenCallback(TokenCallback callback);
    /// \param callback where failures go
    void SetFailureCallback(FailureCallback callback);

    /**
     * \brief Start answering a request; its tokens (or its failure) are reported later
     * through the callbacks, never from within this call.
     * \param request the request
     */
    virtual void Serve(const ServedRequest& request) = 0;

    /**
     * \brief Stop answering a request (no further callback for it); unknown ids are ignored.
     * \param id the request
     */
    virtual void Cancel(uint64_t id) = 0;

    /// \return the requests being answered
    virtual uint32_t GetActiveRequests() const = 0;

    /**
     * \brief The connections a server may use besides its requesters' (a server that
     * collaborates with other nodes, e.g. the CE-LSLM edge fetching context KV). The node's
     * application opens them; messages sent before they are established are queued.
     */
    struct Links
    {
        uint32_t self{0};               //!< the node's index within its tier (an edge's index)
        Ptr<FramedConnection> upstream; //!< to the cloud (at an edge), or null
        std::map<uint32_t, Ptr<FramedConnection>> neighbours; //!< to neighbouring edges, by index
    };

    /// \return the node's compute engine, or null for a server that computes nothing
    virtual Ptr<ComputeEngine> GetEngine() const;
    /// \return the executed model that answers (or computes context KV), "" for none
    virtual std::string GetModelName() const;

    /// \return whether the node must open its links for this server (default false: an edge
    /// with a server then opens no backhaul connection)
    virtual bool NeedsLinks() const;

    /**
     * \brief Called by the node's application when it starts, if NeedsLinks().
     * \param links the connections (default: ignored)
     */
    virtual void SetLinks(const Links& links);

    /**
     * \brief A well-formed message the application does not handle itself: anything but the
     * requests, tokens, errors and cancels of the requests it relays or serves (e.g.
     * CONTEXT_FETCH, KV_DATA, or an ERROR answering a fetch), from any connection of the node.
     * \param from the connection it came on
     * \param message the decoded message
     * \return whether the server understood it (false: the application reports a protocol
     * error); default false
     */
    virtual bool HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message);

    /**
     * \brief A connection of the node ended (a requester, a link); default: nothing.
     * \param connection the connection
     */
    virtual void HandleConnectionClosed(Ptr<FramedConnection> connection);

    /**
     * \brief The node's process restarted after a crash: forget what a restart loses (cached
     * contexts, KV stores, the links, which the application gives again). Every request has
     * been cancelled before. Default: nothing to forget.
     */
    virtual void Restart();

    /**
     * \param bytes text bytes
     * \param bytesPerToken text bytes per token of the declared model (>= 1)
     * \return the tokens that text counts as: ceil(bytes / bytesPerToken)
     */
    static uint32_t TextTokens(uint64_t bytes, uint32_t bytesPerToken);

    /**
     * \param context a shared context's text
     * \param bytesPerToken text bytes per token of the declared model (>= 1)
     * \return the tokens that `<bos>` + context counts as (the prefix a server may keep
     * resident)
     */
    static uint32_t ContextTokens(const std::string& context, uint32_t bytesPerToken);

    /**
     * \param answer an answer's whole text
     * \param index a token index
     * \param last whether it is the last token
     * \param bytesPerToken text bytes per token
     * \return the token's slice of the answer (the last token takes the rest)
     */
    static std::string TokenText(const std::string& answer,
                                 uint32_t index,
                                 bool last,
                                 uint32_t bytesPerToken);

  protected:
    void DoDispose() override;

    /**
     * \brief Report a token to the callback.
     * \param id request id
     * \param index 0-based token index
     * \param last whether it ends the answer
     * \param text the token's text
     */
    void EmitToken(uint64_t id, uint32_t index, bool last, const std::string& text) const;

    /**
     * \brief Report a failure to the callback.
     * \param id request id
     * \param code why
     */
    void EmitFailure(uint64_t id, ErrorHeader::Code code) const;

    /// \return a callback that reports tokens produced elsewhere (a helper server, another
    /// node) as this server's, through whatever token callback it has when they come
    TokenCallback TokenForwarder();
    /// \return a callback that reports failures as this server's (see TokenForwarder)
    FailureCallback FailureForwarder();

  private:
    /// \brief EmitToken, in the signature of a TokenCallback.
    void ForwardToken(uint64_t id, uint32_t index, bool last, std::string text);
    /// \brief EmitFailure, in the signature of a FailureCallback.
    void ForwardFailure(uint64_t id, ErrorHeader::Code code);

    TokenCallback m_tokenCallback;     //!< produced tokens
    FailureCallback m_failureCallback; //!< failed requests
};

} // namespace ns3

#endif // CE_LSLM_REQUEST_SERVER_H
