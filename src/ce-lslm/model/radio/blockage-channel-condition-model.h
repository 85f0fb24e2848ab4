/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_BLOCKAGE_CHANNEL_CONDITION_MODEL_H
#define CE_LSLM_BLOCKAGE_CHANNEL_CONDITION_MODEL_H

#include "ns3/channel-condition-model.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"

#include <unordered_map>

namespace ns3
{

class MobilityModel;

/**
 * \ingroup ce-lslm
 * \brief Blockage events on top of another channel condition model: a line-of-sight link is
 * turned into a non-line-of-sight one while a blocker (a body, a vehicle) stands in its way.
 *
 * Each link alternates between clear and blocked periods, both exponentially distributed:
 * blockages start at Rate per second of clear time and last MeanDuration on average, so a
 * link is blocked a fraction Rate x MeanDuration / (1 + Rate x MeanDuration) of the time.
 * Each link starts in that stationary state. The inner model (for instance
 * ThreeGppUmiStreetCanyonChannelConditionModel) decides line of sight when nothing blocks;
 * a blocked line-of-sight link is reported as NLOS, so a TR 38.901 path loss model that uses
 * this condition model switches to its NLOS formula (and draws a new shadowing value) for
 * the duration of the blockage.
 */
class BlockageChannelConditionModel : public ChannelConditionModel
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    BlockageChannelConditionModel();
    ~BlockageChannelConditionModel() override;

    Ptr<ChannelCondition> GetChannelCondition(Ptr<const MobilityModel> a,
                                              Ptr<const MobilityModel> b) const override;
    int64_t AssignStreams(int64_t stream) override;

    /**
     * \param a one end of the link
     * \param b the other end
     * \return whether a blocker stands between them now
     */
    bool IsBlocked(Ptr<const MobilityModel> a, Ptr<const MobilityModel> b) const;

    /// \param model the model that decides line of sight when nothing blocks (null: always LOS)
    void SetInnerModel(Ptr<ChannelConditionModel> model);
    /// \return the inner model
    Ptr<ChannelConditionModel> GetInnerModel() const;

  protected:
    void DoDispose() override;

  private:
    /// Blockage process of one link.
    struct LinkState
    {
        bool blocked;    //!< whether it is blocked
        Time nextChange; //!< when the current period ends
    };

    /**
     * \param blocked the state that starts
     * \return how long it lasts
     */
    Time DrawPeriod(bool blocked) const;

    Ptr<ChannelConditionModel> m_inner;                      //!< decides LOS when clear
    double m_rate;                                           //!< blockages per second clear
    Time m_meanDuration;                                     //!< mean blockage duration
    Ptr<UniformRandomVariable> m_uniform;                    //!< initial state
    Ptr<ExponentialRandomVariable> m_exponential;            //!< period lengths (mean 1)
    mutable std::unordered_map<uint64_t, LinkState> m_links; //!< per link
};

} // namespace ns3

#endif // CE_LSLM_BLOCKAGE_CHANNEL_CONDITION_MODEL_H
