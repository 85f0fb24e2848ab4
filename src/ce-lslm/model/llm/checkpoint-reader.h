#ifndef CE_LSLM_CHECKPOINT_READER_H
#define CE_LSLM_CHECKPOINT_READER_H

#include "safetensors-file.h"
#include "tensor-types.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{
namespace llm
{

/**
 * \brief The tensors of a model folder: one model.safetensors, or HF shards listed in
 * model.safetensors.index.json.
 *
 * Reads named tensors into FP32 Eigen objects, checking each one's shape against what the
 * architecture expects, so that a wrong checkpoint fails with the tensor's name, its file and
 * both shapes instead of computing garbage.
 */
class CheckpointReader
{
  public:
    /// Open the safetensors file(s) of a model folder (throws LlmError).
    explicit CheckpointReader(const std::string& directory);

    /// \return whether some file holds this tensor
    bool Has(const std::string& name) const;
    /// Read a [rows x cols] tensor (throws LlmError on absence, dtype or shape mismatch).
    Matrix ReadMatrix(const std::string& name, int64_t rows, int64_t cols) const;
    /// Read a [size] tensor (same checks).
    Vector ReadVector(const std::string& name, int64_t size) const;

  private:
    const SafetensorsFile& FileOf(const std::string& name) const;
    void CheckShape(const std::string& name, const std::vector<int64_t>& expected) const;

    std::vector<std::unique_ptr<SafetensorsFile>> m_files; //!< the open files
    std::map<std::string, std::size_t> m_fileOfTensor;     //!< tensor -> index in m_files
};

} // namespace llm
} // namespace ns3

#endif // CE_LSLM_CHECKPOINT_READER_H
