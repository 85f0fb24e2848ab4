/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Propagation of the 6G radio: ns-3's TR 38.901 path loss against the standard's formulas,
// the sub-THz model, the fading statistics and the blockage process.

#include "ns3/blockage-channel-condition-model.h"
#include "ns3/channel-condition-model.h"
#include "ns3/core-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/six-g-fading-model.h"
#include "ns3/sub-thz-propagation-loss-model.h"
#include "ns3/three-gpp-propagation-loss-model.h"

#include <cmath>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr double kC = 299792458.0; //!< m/s

/// Two nodes: a base station at (0, 0, hBs) and a terminal at (d2d, 0, hUt).
struct Pair
{
    Ptr<MobilityModel> bs; //!< base station
    Ptr<MobilityModel> ut; //!< terminal

    Pair(double d2d, double hBs, double hUt)
    {
        NodeContainer nodes(2);
        MobilityHelper mobility;
        mobility.Install(nodes);
        bs = nodes.Get(0)->GetObject<MobilityModel>();
        ut = nodes.Get(1)->GetObject<MobilityModel>();
        bs->SetPosition(Vector(0, 0, hBs));
        ut->SetPosition(Vector(d2d, 0, hUt));
    }
};

/// TR 38.901 Table 7.4.1-1, UMi street canyon, in dB.
double
UmiLoss(bool los, double d2d, double hBs, double hUt, double fc)
{
    double d3d = std::hypot(d2d, hBs - hUt);
    double fGhz = fc / 1e9;
    double breakpoint = 4 * (hBs - 1) * (hUt - 1) * fc / kC;
    double pl1 = 32.4 + 21 * std::log10(d3d) + 20 * std::log10(fGhz);
    double pl2 = 32.4 + 40 * std::log10(d3d) + 20 * std::log10(fGhz)
                 - 9.5 * std::log10(breakpoint * breakpoint + (hBs - hUt) * (hBs - hUt));
    double plLos = d2d <= breakpoint ? pl1 : pl2;
    if (los)
    {
        return plLos;
    }
    double plNlos = 35.3 * std::log10(d3d) + 22.4 + 21.3 * std::log10(fGhz) - 0.3 * (hUt - 1.5);
    return std::max(plLos, plNlos);
}

/// TR 38.901 Table 7.4.1-1, UMa (terminal below 13 m, so h_E = 1 m), in dB.
double
UmaLoss(bool los, double d2d, double hBs, double hUt, double fc)
{
    double d3d = std::hypot(d2d, hBs - hUt);
    double fGhz = fc / 1e9;
    double breakpoint = 4 * (hBs - 1) * (hUt - 1) * fc / kC;
    double pl1 = 28.0 + 22 * std::log10(d3d) + 20 * std::log10(fGhz);
    double pl2 = 28.0 + 40 * std::log10(d3d) + 20 * std::log10(fGhz)
                 - 9 * std::log10(breakpoint * breakpoint + (hBs - hUt) * (hBs - hUt));
    double plLos = d2d <= breakpoint ? pl1 : pl2;
    if (los)
    {
        return plLos;
    }
    double plNlos = 13.54 + 39.08 * std::log10(d3d) + 20 * std::log10(fGhz) - 0.6 * (hUt - 1.5);
    return std::max(plLos, plNlos);
}

/// TR 38.901 Table 7.4.1-1, InH office, in dB.
double
InhLoss(bool los, double d2d, double hBs, double hUt, double fc)
{
    double d3d = std::hypot(d2d, hBs - hUt);
    double fGhz = fc / 1e9;
    double plLos = 32.4 + 17.3 * std::log10(d3d) + 20 * std::log10(fGhz);
    if (los)
    {
        return plLos;
    }
    return std::max(plLos, 38.3 * std::log10(d3d) + 17.30 + 24.9 * std::log10(fGhz));
}

/// The loss of an ns-3 model of type \p type, without shadowing, under a fixed condition.
double
Ns3Loss(const std::string& type, bool los, double d2d, double hBs, double hUt, double fc)
{
    ObjectFactory factory(type);
    factory.Set("ShadowingEnabled", BooleanValue(false));
    factory.Set("Frequency", DoubleValue(fc));
    Ptr<PropagationLossModel> model = factory.Create<PropagationLossModel>();
    Ptr<ChannelConditionModel> condition;
    if (los)
    {
        condition = CreateObject<AlwaysLosChannelConditionModel>();
    }
    else
    {
        condition = CreateObject<NeverLosChannelConditionModel>();
    }
    model->SetAttribute("ChannelConditionModel", PointerValue(condition));
    Pair pair(d2d, hBs, hUt);
    return -model->CalcRxPower(0.0, pair.bs, pair.ut);
}

} // namespace

TEST(SixGPropagationTest, ThreeGppPathLossMatchesTr38901)
{
    for (double fc : {3.5e9, 15e9, 28e9})
    {
        for (double d2d : {15.0, 50.0, 120.0, 400.0, 900.0, 2500.0})
        {
            for (bool los : {true, false})
            {
                EXPECT_NEAR(Ns3Loss("ns3::ThreeGppUmiStreetCanyonPropagationLossModel",
                                    los,
                                    d2d,
                                    10,
                                    1.5,
                                    fc),
                            UmiLoss(los, d2d, 10, 1.5, fc),
                            0.1)
                    << "UMi " << (los ? "LOS " : "NLOS ") << d2d << " m " << fc << " Hz";
                EXPECT_NEAR(Ns3Loss("ns3::ThreeGppUmaPropagationLossModel", los, d2d, 25, 1.5, fc),
                            UmaLoss(los, d2d, 25, 1.5, fc),
                            0.1)
                    << "UMa " << (los ? "LOS " : "NLOS ") << d2d << " m " << fc << " Hz";
                if (d2d <= 150)
                {
                    EXPECT_NEAR(Ns3Loss("ns3::ThreeGppIndoorOfficePropagationLossModel",
                                        los,
                                        d2d,
                                        3,
                                        1,
                                        fc),
                                InhLoss(los, d2d, 3, 1, fc),
                                0.1)
                        << "InH " << (los ? "LOS " : "NLOS ") << d2d << " m " << fc << " Hz";
                }
            }
        }
    }
    // The formulas themselves, at one hand-computed point: UMa LOS, 100 m, 3.5 GHz.
    EXPECT_NEAR(UmaLoss(true, 100, 25, 1.5, 3.5e9),
                28.0 + 22 * std::log10(std::hypot(100, 23.5)) + 20 * std::log10(3.5),
                1e-9);
}

TEST(SixGPropagationTest, SubThzIsFreeSpacePlusAbsorption)
{
    // Absorption table: low far from lines, the 60 GHz oxygen peak, the 183 GHz water line.
    EXPECT_LT(SubThzPropagationLossModel::GetAbsorptionDbPerKm(3.5e9), 0.02);
    EXPECT_GT(SubThzPropagationLossModel::GetAbsorptionDbPerKm(60e9), 10);
    EXPECT_NEAR(SubThzPropagationLossModel::GetAbsorptionDbPerKm(140e9), 0.95, 1e-9);
    EXPECT_GT(SubThzPropagationLossModel::GetAbsorptionDbPerKm(183.3e9), 20);
    double at145 = SubThzPropagationLossModel::GetAbsorptionDbPerKm(145e9);
    EXPECT_GT(at145, 0.95); // between the 140 and 150 GHz points
    EXPECT_LT(at145, 1.2);

    for (double fc : {140e9, 183.3e9, 300e9})
    {
        Ptr<SubThzPropagationLossModel> model = CreateObject<SubThzPropagationLossModel>();
        model->SetAttribute("ShadowingEnabled", BooleanValue(false));
        model->SetFrequency(fc);
        double alpha = SubThzPropagationLossModel::GetAbsorptionDbPerKm(fc);
        for (double d : {5.0, 30.0, 100.0, 250.0})
        {
            Pair pair(d, 1.5, 1.5); // same height: 3D distance = d
            double fspl = 20 * std::log10(4 * M_PI * d * fc / kC);
            double expected = fspl + alpha * d / 1000;
            EXPECT_NEAR(-model->CalcRxPower(0, pair.bs, pair.ut), expected, 1e-6) << fc << " " << d;
            double nlos =
                20 * std::log10(4 * M_PI * fc / kC) + 30 * std::log10(d) + alpha * d / 1000;
            EXPECT_NEAR(model->GetLossDb(d, false), nlos, 1e-6);
        }
    }
    // At 300 GHz over 250 m the atmosphere takes about 2 dB more than at 140 GHz.
    EXPECT_GT(SubThzPropagationLossModel::GetAbsorptionDbPerKm(300e9) * 0.25, 1.5);
}

TEST(SixGPropagationTest, SubThzShadowingHasTheConfiguredSpread)
{
    Ptr<SubThzPropagationLossModel> model = CreateObject<SubThzPropagationLossModel>();
    model->AssignStreams(11);
    double sum = 0;
    double squares = 0;
    const int links = 4000;
    for (int i = 0; i < links; ++i)
    {
        Pair pair(50, 10, 1.5);
        double shadowing = -model->CalcRxPower(0, pair.bs, pair.ut)
                           - model->GetLossDb(pair.bs->GetDistanceFrom(pair.ut), true);
        sum += shadowing;
        squares += shadowing * shadowing;
        // The same link keeps its value.
        EXPECT_DOUBLE_EQ(-model->CalcRxPower(0, pair.bs, pair.ut)
                             - model->GetLossDb(pair.bs->GetDistanceFrom(pair.ut), true),
                         shadowing);
    }
    double mean = sum / links;
    EXPECT_NEAR(mean, 0, 0.15);
    EXPECT_NEAR(std::sqrt(squares / links - mean * mean), 2.0, 0.1); // LosShadowingStd
}

TEST(SixGPropagationTest, FadingHasUnitMeanAndRayleighStatistics)
{
    Ptr<SixGFadingModel> fading = CreateObject<SixGFadingModel>();
    fading->AssignStreams(5);
    const int links = 20000;
    double sum = 0;
    int deepFades = 0;
    double ricianSum = 0;
    double ricianSquares = 0;
    for (int link = 0; link < links; ++link)
    {
        double gain = fading->GetGain(link, false, Seconds(0), 3.5e9, 1.0);
        sum += gain;
        deepFades += gain < 0.1 ? 1 : 0;
        double rician = fading->GetGain(links + link, true, Seconds(0), 3.5e9, 1.0);
        ricianSum += rician;
        ricianSquares += rician * rician;
    }
    EXPECT_NEAR(sum / links, 1.0, 0.03);
    // Rayleigh: the power is exponential, P(gain < 0.1) = 1 - exp(-0.1).
    EXPECT_NEAR(static_cast<double>(deepFades) / links, 1 - std::exp(-0.1), 0.01);
    // Rician with K = 9 dB: mean 1, variance (1 + 2K) / (1 + K)^2.
    double k = std::pow(10, 0.9);
    double mean = ricianSum / links;
    EXPECT_NEAR(mean, 1.0, 0.02);
    EXPECT_NEAR(ricianSquares / links - mean * mean, (1 + 2 * k) / ((1 + k) * (1 + k)), 0.02);
}

TEST(SixGPropagationTest, FadingIsCorrelatedWithinTheCoherenceTime)
{
    Ptr<SixGFadingModel> fading = CreateObject<SixGFadingModel>();
    fading->AssignStreams(9);
    // 3.5 GHz at 1 m/s: Doppler 11.7 Hz. Clarke: correlation J0(2 pi f_D tau), 0.9997 at
    // 0.5 ms, about 0 at 10 s.
    double closeDiff = 0;
    double farDiff = 0;
    const int links = 2000;
    for (int link = 0; link < links; ++link)
    {
        double start = fading->GetGain(link, false, Seconds(0), 3.5e9, 1.0);
        double close = fading->GetGain(link, false, MicroSeconds(500), 3.5e9, 1.0);
        double far = fading->GetGain(link, false, Seconds(10), 3.5e9, 1.0);
        closeDiff += std::abs(close - start);
        farDiff += std::abs(far - close);
    }
    EXPECT_LT(closeDiff / links, 0.05);
    EXPECT_GT(farDiff / links, 0.8); // independent exponentials: E|X - Y| = 1
}

TEST(SixGPropagationTest, BlockageTurnsLosIntoNlosForTheConfiguredFraction)
{
    Ptr<BlockageChannelConditionModel> blockage = CreateObject<BlockageChannelConditionModel>();
    blockage->SetInnerModel(CreateObject<AlwaysLosChannelConditionModel>());
    blockage->SetAttribute("Rate", DoubleValue(2.0));
    blockage->SetAttribute("MeanDuration", TimeValue(MilliSeconds(250)));
    blockage->AssignStreams(3);
    Pair pair(30, 10, 1.5);
    // Sample one link every 10 ms for 2000 s: blocked 2 x 0.25 / (1 + 2 x 0.25) = 1/3.
    int blocked = 0;
    int blockages = 0;
    bool previous = false;
    const int samples = 200000;
    for (int i = 0; i < samples; ++i)
    {
        Simulator::Schedule(MilliSeconds(10 * i),
                            [&, i]()
                            {
                                bool now =
                                    blockage->GetChannelCondition(pair.bs, pair.ut)->IsNlos();
                                EXPECT_EQ(now, blockage->IsBlocked(pair.bs, pair.ut));
                                blocked += now ? 1 : 0;
                                blockages += now && !previous && i > 0 ? 1 : 0;
                                previous = now;
                            });
    }
    Simulator::Run();
    Simulator::Destroy();
    EXPECT_NEAR(static_cast<double>(blocked) / samples, 1.0 / 3.0, 0.02);
    // Blockages start at 2 per clear second: about 2 x 2000 x 2/3 of them.
    EXPECT_NEAR(blockages, 2 * 2000 * 2.0 / 3.0, 200);
    // A NLOS inner model stays NLOS whatever the blocker does.
    blockage->SetInnerModel(CreateObject<NeverLosChannelConditionModel>());
    EXPECT_TRUE(blockage->GetChannelCondition(pair.bs, pair.ut)->IsNlos());
}

TEST(SixGPropagationTest, BlockedLinkGetsTheNlosPathLoss)
{
    Ptr<BlockageChannelConditionModel> blockage = CreateObject<BlockageChannelConditionModel>();
    blockage->SetInnerModel(CreateObject<AlwaysLosChannelConditionModel>());
    blockage->SetAttribute("Rate", DoubleValue(1000.0)); // blocked almost all the time
    blockage->SetAttribute("MeanDuration", TimeValue(Seconds(10)));
    Ptr<ThreeGppUmiStreetCanyonPropagationLossModel> model =
        CreateObject<ThreeGppUmiStreetCanyonPropagationLossModel>();
    model->SetAttribute("ShadowingEnabled", BooleanValue(false));
    model->SetFrequency(28e9);
    model->SetChannelConditionModel(blockage);
    Pair pair(80, 10, 1.5);
    ASSERT_TRUE(blockage->IsBlocked(pair.bs, pair.ut));
    EXPECT_NEAR(-model->CalcRxPower(0, pair.bs, pair.ut), UmiLoss(false, 80, 10, 1.5, 28e9), 0.1);
    EXPECT_GT(UmiLoss(false, 80, 10, 1.5, 28e9), UmiLoss(true, 80, 10, 1.5, 28e9) + 10);
}
