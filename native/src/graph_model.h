// A model interpreted from Osteon's graph IR with libtorch functional ops.
// Parameters keep torchvision's state-dict names, so checkpoints are interchangeable with torchvision.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "weight_average.h"

namespace osteon {

enum class Op {
  Input, Conv2d, BatchNorm2d, Linear, Relu, Relu6, Silu, Sigmoid, MaxPool2d, AvgPool2d,
  GlobalAvgPool, Flatten, Add, Mul, Concat, Dropout, StochasticDepth
};

// The arithmetic of training steps. Bf16 is autocast: weights, optimizer state and the loss stay float32, while
// convolutions and matrix products (and the activations between them) run in bfloat16.
enum class Precision { Fp32, Bf16 };

struct NodeDef {
  std::string name;
  Op op = Op::Input;
  std::vector<int> inputs;  // indices of the producing nodes
  int consumers = 0;        // how many nodes read this node's value
  // conv2d / pooling
  int64_t inChannels = 0, outChannels = 0, groups = 1;
  std::vector<int64_t> kernel, stride, padding, dilation;
  bool bias = false, ceilMode = false, countIncludePad = true;
  // batchnorm2d
  int64_t channels = 0;
  double eps = 1e-5, momentum = 0.1;
  // linear
  int64_t inFeatures = 0, outFeatures = 0;
  // dropout / stochastic depth
  double p = 0;
  // indices into GraphModel::tensors(); -1 when absent
  int weight = -1, biasIndex = -1, runningMean = -1, runningVar = -1, batchesTracked = -1;
};

struct GraphDef {
  std::string arch;
  int64_t inputChannels = 3, numClasses = 2, minInputSize = 32;
  std::vector<NodeDef> nodes;
  int input = 0, output = 0, featureMap = 0, head = 0;
  // "fan-out-normal" or "fan-in-uniform" (see Graph.convInit)
  std::string convInit = "fan-out-normal";
};

struct NamedTensor {
  std::string name;
  torch::Tensor tensor;
  bool isBuffer;
};

struct OptimizerConfig {
  std::string type = "adamw";  // "adamw" | "sgd"
  double lr = 1e-3, momentum = 0.9, weightDecay = 1e-4, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  bool nesterov = false;
  // Decaying batch-norm scales and biases hurts small-data training; off unless asked.
  bool decayNormAndBias = false;
};

struct LossConfig {
  double labelSmoothing = 0;
  std::vector<double> classWeights;  // empty: unweighted
};

struct StepResult {
  double loss = 0;
  int64_t correct = 0;
  int64_t count = 0;
};

struct GradCheckResult {
  double maxRelativeError = 0;
  int64_t checked = 0;
};

class GraphModel {
 public:
  GraphModel(GraphDef def, torch::Device device, bool channelsLast, uint64_t seed,
             Precision precision = Precision::Fp32);

  // Input is NCHW logical (any memory format). Returns logits and, when asked, the feature map for CAM.
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& input, bool training, bool wantFeatures);

  // One optimisation step in the model's precision. `target` is int64 class indices [N] or float class
  // probabilities [N, classes].
  StepResult trainStep(const torch::Tensor& input, const torch::Tensor& target, double lr);

  void configureOptimizer(const OptimizerConfig& config);
  void configureLoss(const LossConfig& config);
  void saveOptimizer(const std::string& path);
  void loadOptimizer(const std::string& path);
  int setFrozen(const std::vector<std::string>& prefixes, bool frozen);
  // An exponential moving average of every weight and batch-norm statistic, updated after each step (decay 0: off).
  void configureAveraging(double decay, int64_t steps) { average_.configure(tensors_, decay, steps); }
  // Exchanges the live weights with the averaged ones; call again to swap back before training on.
  void swapAveraged() { average_.swap(tensors_); }
  int64_t averagedSteps() const { return average_.steps(); }
  // Restarts the draws of dropout and stochastic depth. They come from the model's own generator, not libtorch's
  // global one, which every model in the process shares: a seed then replays them exactly.
  void seedRandomDraws(uint64_t seed);

  // Analytic vs central finite-difference gradients, in float64, on `samples` random coordinates of the input
  // and of every parameter.
  GradCheckResult gradCheck(const torch::Tensor& input, bool training, int samples, uint64_t seed);

  std::vector<NamedTensor>& tensors() { return tensors_; }
  const GraphDef& graph() const { return def_; }
  torch::Device device() const { return device_; }
  Precision precision() const { return precision_; }
  // Converts an NHWC float32 host tensor to the model's device and layout.
  torch::Tensor prepareInput(const torch::Tensor& nhwc) const;

  std::mutex mutex;  // one native call at a time per model

 private:
  torch::Tensor runGraph(const std::vector<torch::Tensor>& params, const torch::Tensor& input, bool training,
                         bool wantFeatures, torch::Tensor* features);
  void initialise(uint64_t seed);
  torch::Tensor dropout(const torch::Tensor& x, double p, bool training);
  torch::Tensor stochasticDepth(const torch::Tensor& x, double p, bool training);
  std::vector<torch::Tensor> trainableParameters(bool decayed) const;

  GraphDef def_;
  torch::Device device_;
  bool channelsLast_;
  Precision precision_;
  std::vector<NamedTensor> tensors_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  OptimizerConfig optimizerConfig_;
  LossConfig lossConfig_;
  torch::Tensor classWeights_;
  WeightAverage average_;
  at::Generator randomDraws_;
};

}  // namespace osteon
