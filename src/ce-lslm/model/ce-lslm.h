/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_H
#define CE_LSLM_H

/**
 * \defgroup ce-lslm CE-LSLM: cloud-edge language-model inference over 6G
 *
 * Simulates terminals, edge nodes and a cloud node that serve language-model requests, and
 * measures latency, bytes per link and (with the model layers) compute and answer quality.
 * See doc/ce-lslm.rst for the model description, usage and validation.
 */

#endif // CE_LSLM_H
