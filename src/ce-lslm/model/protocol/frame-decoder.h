/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_FRAME_DECODER_H
#define CE_LSLM_FRAME_DECODER_H

#include "frame-header.h"

#include "ns3/packet.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <deque>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Reassembles FrameHeader-prefixed messages from a byte stream.
 *
 * TCP delivers the stream in arbitrary pieces; Push() accepts them as they come and Pop()
 * returns each complete message payload, in stream order. A frame header with a wrong
 * magic, or announcing a payload above the configured limit, puts the decoder into a
 * sticky error state: the stream can no longer be trusted to be in sync, so nothing more
 * is returned. The error text names the stream offset of the offending frame header.
 */
class FrameDecoder
{
  public:
    /// Default limit on the announced payload length, in bytes (64 MiB).
    static constexpr uint32_t DEFAULT_MAX_FRAME_SIZE = 64 * 1024 * 1024;

    /**
     * \brief Creates a decoder positioned at stream offset 0.
     * \param maxFrameSize largest payload length a frame may announce, in bytes
     */
    explicit FrameDecoder(uint32_t maxFrameSize = DEFAULT_MAX_FRAME_SIZE);

    /**
     * \param maxFrameSize largest payload length a frame may announce, in bytes (the
     *        header is not counted); applies to frames not yet decoded
     */
    void SetMaxFrameSize(uint32_t maxFrameSize);

    /**
     * \return the largest payload length a frame may announce, in bytes
     */
    uint32_t GetMaxFrameSize() const;

    /**
     * \brief Appends the next piece of the stream.
     * \param bytes the piece, of any size (including empty); ignored once in error
     */
    void Push(Ptr<const Packet> bytes);

    /**
     * \brief Removes the next complete message from the stream.
     * \param[out] message set to the payload of the next frame, if one is complete
     * \return true if a message was returned; false if more bytes are needed or the
     *         decoder is in error (see HasError())
     */
    bool Pop(Ptr<Packet>& message);

    /**
     * \return true once a corrupt frame header was found
     */
    bool HasError() const;

    /**
     * \return the description of the error, empty when there is none
     */
    const std::string& GetError() const;

    /**
     * \return the number of stream bytes consumed by the frames returned so far, which is
     *         also the stream offset of the next frame header
     */
    uint64_t GetBytesConsumed() const;

    /**
     * \return the number of stream bytes pushed but not yet returned as part of a frame
     */
    uint64_t GetBytesBuffered() const;

  private:
    /**
     * \brief Checks a frame header; enters the error state if it is invalid.
     * \param header the header at stream offset m_bytesConsumed
     * \return true if the header is valid
     */
    bool Validate(const FrameHeader& header);

    /**
     * \brief Copies the first bytes of the buffered stream without consuming them.
     * \param[out] destination where to copy to
     * \param size how many bytes to copy; at most GetBytesBuffered()
     */
    void PeekFront(uint8_t* destination, uint32_t size) const;

    /**
     * \brief Consumes the first bytes of the buffered stream.
     * \param size how many bytes to consume; at most GetBytesBuffered()
     */
    void DiscardFront(uint32_t size);

    /**
     * \brief Consumes the first bytes of the buffered stream and returns them.
     * \param size how many bytes to take; at most GetBytesBuffered()
     * \return the bytes, as one packet carrying the byte tags the pushed pieces had on them
     */
    Ptr<Packet> TakeFront(uint32_t size);

    /// Pushed pieces not yet consumed, in stream order; kept apart so that a long frame
    /// arriving in many pieces is copied once when complete, not once per piece.
    std::deque<Ptr<Packet>> m_pieces;
    uint64_t m_bytesBuffered; //!< Total size of m_pieces, in bytes
    uint64_t m_bytesConsumed; //!< Stream offset of the first byte of m_pieces
    uint32_t m_maxFrameSize;  //!< Largest accepted payload length, in bytes
    std::string m_error;      //!< Error description, empty while the stream is sane
};

} // namespace ns3

#endif // CE_LSLM_FRAME_DECODER_H
