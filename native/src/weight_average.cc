#include "weight_average.h"

#include <algorithm>
#include <stdexcept>

#include "graph_model.h"

namespace osteon {

void WeightAverage::configure(const std::vector<NamedTensor>& tensors, double decay, int64_t steps) {
  if (!(decay >= 0 && decay < 1)) throw std::invalid_argument("the averaging decay must be in [0, 1)");
  if (steps < 0) throw std::invalid_argument("the averaging step count must be >= 0");
  torch::NoGradGuard noGrad;
  decay_ = decay;
  steps_ = steps;
  average_.clear();
  if (decay == 0) return;
  for (const auto& t : tensors) average_.push_back(t.tensor.detach().clone());
}

void WeightAverage::update(const std::vector<NamedTensor>& tensors) {
  if (!enabled()) return;
  torch::NoGradGuard noGrad;
  ++steps_;
  double d = std::min(decay_, static_cast<double>(steps_) / static_cast<double>(steps_ + 1));
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& value = tensors[i].tensor;
    // Batch-norm statistics are averaged like weights; the integer batch counter just follows the model.
    if (value.is_floating_point()) {
      average_[i].lerp_(value.detach(), 1 - d);
    } else {
      average_[i].copy_(value);
    }
  }
}

void WeightAverage::swap(std::vector<NamedTensor>& tensors) {
  if (!enabled()) throw std::logic_error("weights are not being averaged: configure averaging first");
  torch::NoGradGuard noGrad;
  for (size_t i = 0; i < tensors.size(); ++i) {
    // In place: the optimizer holds these very tensors.
    auto live = tensors[i].tensor.detach().clone();
    tensors[i].tensor.detach().copy_(average_[i]);
    average_[i].copy_(live);
  }
}

}  // namespace osteon
