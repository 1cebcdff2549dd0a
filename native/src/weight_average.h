// An exponential moving average of a model's weights, kept beside them and updated after every optimizer step,
// which validation, checkpoints and the exported model can use instead of the last step's weights. Batch-norm
// statistics are averaged too, not recomputed on the averaged weights.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace osteon {

struct NamedTensor;

class WeightAverage {
 public:
  // Starts averaging from the tensors' current values. `decay` in (0, 1) is the weight of the old average at each
  // step; 0 stops averaging. `steps` is how many updates the average already holds (a resumed run passes its
  // count so the early-step correction is not applied twice).
  void configure(const std::vector<NamedTensor>& tensors, double decay, int64_t steps);
  // Folds the tensors' current values in. Until 1 / (1 - decay) steps the average is the plain mean of every
  // value so far (decay_t = t / (t + 1)), so the starting weights never dominate it.
  void update(const std::vector<NamedTensor>& tensors);
  // Exchanges the tensors' values with the average's; a second call restores them.
  void swap(std::vector<NamedTensor>& tensors);

  bool enabled() const { return decay_ > 0; }
  int64_t steps() const { return steps_; }

 private:
  double decay_ = 0;
  int64_t steps_ = 0;
  std::vector<torch::Tensor> average_;
};

}  // namespace osteon
