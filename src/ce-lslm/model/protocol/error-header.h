/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef CE_LSLM_ERROR_HEADER_H
#define CE_LSLM_ERROR_HEADER_H

#include "ns3/header.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup ce-lslm
 * \brief Body header of an ERROR message: why a request failed. No payload follows.
 *
 * Wire layout (2 bytes, network byte order): error code (u16).
 */
class ErrorHeader : public Header
{
  public:
    /// Why a request failed.
    enum Code : uint16_t
    {
        UPSTREAM_UNAVAILABLE = 1, //!< the node that should serve the request is not reachable
        MALFORMED_REQUEST = 2,    //!< the request is not valid (e.g. zero answer tokens)
        DUPLICATE_REQUEST = 3,    //!< a request with the same id is already in flight
        REJECTED = 4,             //!< the server can never fit this request (its compute
                                  //!< engine refused it: too large for memory)
        CONTEXT_NOT_HELD = 5,     //!< a CONTEXT_FETCH asked a node for context KV it does not
                                  //!< hold (a neighbouring edge evicted it), or for layers or a
                                  //!< codec spec it cannot serve
        OVERLOADED = 6,           //!< the node refuses new work for now (admission control);
                                  //!< a later attempt may succeed
        UPSTREAM_TIMEOUT = 7      //!< the node that should serve the request did not answer in
                                  //!< time
    };

    static constexpr uint32_t SERIALIZED_SIZE = 2; //!< bytes on the wire

    ErrorHeader();

    /// \param code why the request failed
    explicit ErrorHeader(Code code);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;
    void Print(std::ostream& os) const override;

    /// \return the error code as read (may be unknown to this version)
    uint16_t GetCode() const;

    /**
     * \param code an error code
     * \return its name as used in requests.csv's failure_reason ("upstream-unavailable", ...)
     */
    static std::string CodeName(uint16_t code);

  private:
    uint16_t m_code; //!< error code
};

} // namespace ns3

#endif // CE_LSLM_ERROR_HEADER_H
