/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_CE_COLLM_RECORD_H
#define CE_LSLM_CE_COLLM_RECORD_H

#include <cstdint>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief What the CE-CoLLM edge did for one request: where its tokens came from, what it
 * uploaded and how much of the cloud's work it saved (one trace event per finished request).
 */
struct CeCollmRecord
{
    uint32_t edgeTokens{0};   //!< answer tokens emitted by an edge exit head
    uint32_t cloudTokens{0};  //!< answer tokens deferred to the cloud
    uint32_t uploads{0};      //!< HIDDEN_STATE messages carrying positions
    uint64_t positions{0};    //!< positions whose hidden states were uploaded
    uint64_t hiddenBytes{0};  //!< bytes of those hidden states (payloads, no headers)
    double cloudFlops{0};     //!< FLOPs the cloud ran for the request (its layers and head)
    double fullFlops{0};      //!< FLOPs of the whole declared model for the same request
    double cloudPartFlops{0}; //!< FLOPs of the cloud's layers and head on every position

    /// Add another request's counts (totals over a run).
    CeCollmRecord& operator+=(const CeCollmRecord& other)
    {
        edgeTokens += other.edgeTokens;
        cloudTokens += other.cloudTokens;
        uploads += other.uploads;
        positions += other.positions;
        hiddenBytes += other.hiddenBytes;
        cloudFlops += other.cloudFlops;
        fullFlops += other.fullFlops;
        cloudPartFlops += other.cloudPartFlops;
        return *this;
    }

    /// \return the share of the answer's tokens emitted at the edge (0 when there are none)
    double EdgeShare() const
    {
        const uint32_t tokens = edgeTokens + cloudTokens;
        return tokens == 0 ? 0.0 : static_cast<double>(edgeTokens) / tokens;
    }

    /// \return 1 - cloudFlops / fullFlops: the share of the whole model's work that did not
    /// run at the cloud (mostly where the model is split: the edge's layers)
    double EdgeWorkShare() const
    {
        return fullFlops <= 0 ? 0.0 : 1.0 - cloudFlops / fullFlops;
    }

    /// \return 1 - cloudFlops / cloudPartFlops: the share of the cloud partition's work that
    /// early exit avoided (positions the cloud never ran because no later token deferred;
    /// every earlier position is run when a deferral catches up). 1 when nothing deferred.
    double CloudSaved() const
    {
        return cloudPartFlops <= 0 ? 0.0 : 1.0 - cloudFlops / cloudPartFlops;
    }
};

} // namespace ns3

#endif // CE_LSLM_CE_COLLM_RECORD_H
