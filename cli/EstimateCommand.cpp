// flowscope-cli estimate: a gradient estimator of L(theta) = E_{z ~ p_theta}[f(z)] against the
// exact gradient (compute/estimators/Estimators.h): per component of theta, the mean, variance,
// bias and standard error of `--repeats` estimates, each the mean of `--samples` single-sample
// gradients.
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "CliCommon.h"
#include "CliOutput.h"
#include "Estimators.h"
#include "InputError.h"
#include "OutputFiles.h"

namespace flowscope::cli {
namespace {

struct EstimateArgs {
  std::string dist = "gaussian", theta = "0.5,1", f = "x^2", estimator = "reinforce";
  double tau = 0.5;
  int samples = 1, repeats = 1000;
  uint64_t seed = 0;
  bool json = false;
};

// "1,2.5,-3" as numbers; InputError naming the flag and the value that is not one.
std::vector<double> numbers(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t used = 0;
    double v = 0.0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || item.find_first_not_of(" \t", used) != std::string::npos || !std::isfinite(v))
      throw InputError(flag + ": '" + item + "' is not a number (comma-separated values)");
    out.push_back(v);
  }
  if (out.empty()) throw InputError(flag + ": no values");
  return out;
}

int runEstimate(const EstimateArgs& a) {
  EstimatorProblem p;
  p.dist = asFlag([&] { return parseEstimatorDist(a.dist); });
  p.theta = numbers("--theta", a.theta);
  if (p.dist == EstimatorDist::Gaussian) {
    bool named = false;
    for (GaussianF f :
         {GaussianF::Square, GaussianF::Sin, GaussianF::Cos, GaussianF::Step, GaussianF::Abs})
      if (a.f == gaussianFName(f)) p.f = f, named = true;
    if (!named) p.expression = asFlag([&] { return Expression::parse(a.f); });
  } else if (p.dist == EstimatorDist::Gaussian2d) {
    bool named = false;
    for (Gaussian2F f :
         {Gaussian2F::Bowl, Gaussian2F::Product, Gaussian2F::Wave, Gaussian2F::Quadrant})
      if (a.f == gaussian2FName(f)) p.f2 = f, named = true;
    if (!named) p.expression = asFlag([&] { return Expression::parse(a.f); });
  } else {
    p.table = numbers("--f", a.f);
  }
  EstimatorSpec s;
  s.kind = asFlag([&] { return parseEstimatorKind(a.estimator); });
  s.tau = a.tau;
  s.samples = a.samples;
  s.repeats = a.repeats;
  s.seed = a.seed;
  asFlag([&] {
    validate(p);
    validate(s);
    checkApplies(s.kind, p.dist);
  });
  const EstimatorStats r = asFlag([&] { return estimatorStats(p, s); });
  nlohmann::json j{{"dist", a.dist},           {"estimator", a.estimator},
                   {"theta", p.theta},         {"objective", objective(p)},
                   {"samples", s.samples},     {"repeats", s.repeats},
                   {"exact", r.exact},         {"mean", r.mean},
                   {"variance", r.variance},   {"bias", r.bias},
                   {"stderr", r.standardError}};
  if (s.kind == EstimatorKind::GumbelSoftmax || s.kind == EstimatorKind::StraightThrough)
    j["tau"] = s.tau;
  std::string text = a.estimator + " on " + a.dist +
                     (p.expression ? (p.expression->usesY() ? " of f(x, y) = " : " of f(x) = ") +
                                         p.expression->text()
                                   : "") +
                     ", L = " + format("%.6g", objective(p)) +
                     "\ncomponent        exact         mean     variance         bias       stderr";
  for (size_t k = 0; k < r.exact.size(); ++k)
    text += format("\n%9zu %12.6g %12.6g %12.6g %12.6g %12.6g", k, r.exact[k], r.mean[k],
                   r.variance[k], r.bias[k], r.standardError[k]);
  OutputFiles none;
  return finish(none, j, a.json, text);
}

}  // namespace

void addEstimateCommand(CLI::App& app, Runner& run) {
  auto a = std::make_shared<EstimateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "estimate",
      "Gradient estimators of L(theta) = E_{z ~ p_theta}[f(z)] against the exact gradient: each "
      "of --repeats estimates is the mean of --samples single-sample gradients");
  cmd->add_option("--dist", a->dist,
                  "gaussian: z ~ N(mu, sigma^2), --theta mu,sigma; gaussian2d: z ~ N(mu, sigma^2 "
                  "I) in the plane, --theta mu1,mu2,sigma; categorical: z ~ softmax(--theta) over "
                  "2..8 classes")
      ->capture_default_str();
  cmd->add_option("--theta", a->theta, "Comma-separated: mu,sigma, mu1,mu2,sigma or the logits")
      ->capture_default_str();
  cmd->add_option("--f", a->f,
                  "gaussian: x^2|sin|cos|step|abs (exact gradient in closed form) or an "
                  "expression in x (+ - * / ^, sin cos tan exp log sqrt abs tanh step sigmoid, "
                  "pi; exact gradient by quadrature), e.g. 'x^3 - 2*x'; gaussian2d: x^2+y^2, x*y, "
                  "sin(x)*cos(y), step(x)*step(y) (closed forms) or an expression in x and y "
                  "(quadrature on 401 x 401 points); categorical: the table f(0),...,f(K-1), "
                  "comma-separated")
      ->capture_default_str();
  cmd->add_option("--estimator", a->estimator,
                  "pathwise (gaussian: f'(z) (1, eps), z = mu + sigma eps); reinforce (f(z) grad "
                  "log p(z)); reinforce-baseline (minus the mean of f over the estimate's earlier "
                  "samples); reinforce-loo (minus the mean of the other samples' f); "
                  "gumbel-softmax (categorical: the gradient of sum_k y_k f_k at y = "
                  "softmax((theta + g) / tau)); straight-through (its forward value f(argmax y), "
                  "the same backward)")
      ->capture_default_str();
  cmd->add_option("--tau", a->tau, "gumbel-softmax and straight-through: the temperature, > 0")
      ->capture_default_str();
  cmd->add_option("--samples", a->samples, "Single-sample gradients an estimate averages")
      ->capture_default_str();
  cmd->add_option("--repeats", a->repeats, "Estimates, 2..1000000")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed (estimate r draws from the stream seed, r)")
      ->capture_default_str();
  cmd->add_flag("--json", a->json,
                "Print {dist, estimator, theta, objective, samples, repeats, [tau,] and per "
                "component of theta the arrays exact, mean, variance, bias, stderr}");
  cmd->callback([&run, a] { run = [a] { return runEstimate(*a); }; });
}

}  // namespace flowscope::cli
