/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_COLLM_CLOUD_SERVER_H
#define CE_LSLM_CE_COLLM_CLOUD_SERVER_H

#include "request-server.h"

#include "ns3/traced-callback.h"

#include <map>
#include <utility>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief The CE-CoLLM cloud's context manager: holds, per request, the hidden states the edge
 * uploaded at the split layer and the keys and values of its own layers, and answers each
 * deferral with the next token.
 *
 * A HIDDEN_STATE message appends positions; a deferral runs the cloud's layers (from the split
 * to the last, then the LM head) on every held position not run yet, as one compute job after
 * the positions already run, and answers with a TOKEN (its payload is the declared token's
 * BytesPerToken bytes; the token itself was decided by the executed model at the edge). A
 * release frees the request's state, as does the edge's connection closing. Requests arrive
 * only this way: a REQUEST never reaches the cloud in this mode.
 */
class CeCollmCloudServer : public RequestServer
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    CeCollmCloudServer();

    std::string GetModelName() const override;
    /// \param name the executed model's name, for traces
    void SetModelName(const std::string& name);
    Ptr<ComputeEngine> GetEngine() const override;
    void Serve(const ServedRequest& request) override;
    void Cancel(uint64_t id) override;
    /// \return requests whose state the context manager holds
    uint32_t GetActiveRequests() const override;
    bool HandleMessage(Ptr<FramedConnection> from, const ProtocolMessage& message) override;
    void HandleConnectionClosed(Ptr<FramedConnection> connection) override;

    /**
     * TracedCallback signature for a deferral.
     * \param id request id
     * \param positions positions the cloud's layers run on for it
     * \param held positions the context manager holds for the request
     */
    typedef void (*DeferralTracedCallback)(uint64_t id, uint32_t positions, uint32_t held);

  protected:
    void DoDispose() override;

  private:
    /// One request's state.
    struct Context
    {
        Ptr<FramedConnection> edge; //!< where it came from
        uint32_t held{0};           //!< positions held
        uint32_t run{0};            //!< positions the cloud's layers ran on
        uint16_t split{0};          //!< the edge's split layer
        bool busy{false};           //!< a deferral's job is running
        uint32_t tokenIndex{0};     //!< the token that job answers
    };

    /// \return an error text, or "" when the message fits the request's state
    std::string Apply(Context& context, const HiddenStateHeader& hidden);
    void HandleJobDone(uint64_t id);
    void Reply(Ptr<FramedConnection> to, uint64_t id, ErrorHeader::Code code);

    Ptr<ComputeEngine> m_engine;            //!< the cloud's accelerator
    std::string m_modelName;                //!< executed model
    uint32_t m_bytesPerToken;               //!< attribute: bytes per declared token
    std::map<uint64_t, Context> m_contexts; //!< request id -> state
    TracedCallback<uint64_t, uint32_t, uint32_t> m_deferralTrace; //!< deferral served
};

} // namespace ns3

#endif // CE_LSLM_CE_COLLM_CLOUD_SERVER_H
