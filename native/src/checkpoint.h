// torch.save-compatible files (zip format, read and written through libtorch's pickler).
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace osteon {

using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

// Reads a state dict saved by `torch.save(model.state_dict(), path)` (zip format, PyTorch >= 1.6), or a dict that
// holds one under "state_dict" / "model" (common training-script checkpoints).
StateDict readTorchFile(const std::string& path);

// Writes a state dict that `torch.load` reads back as a dict of tensors.
void writeTorchFile(const std::string& path, const StateDict& state);

}  // namespace osteon
