// Gradient estimators against the exact gradients (closed form, enumeration): Gumbel-max draws
// follow softmax (chi-square), REINFORCE and its baselines are unbiased, the pathwise gradient is
// the closed form's, Gumbel-softmax trades bias for variance as tau falls.
#include <gtest/gtest.h>

#include <cmath>

#include "ErrorText.h"
#include "Estimators.h"

namespace flowscope {
namespace {

EstimatorProblem categorical() {
  EstimatorProblem p;
  p.dist = EstimatorDist::Categorical;
  p.theta = {0.5, -1.0, 1.5, 0.0, -0.3};
  p.table = {1.0, 4.0, -2.0, 0.5, 3.0};
  return p;
}

TEST(Estimators, GumbelMaxDrawsFollowTheSoftmax) {
  const std::vector<double> logits = categorical().theta;
  std::vector<double> p(logits.size());
  double sum = 0.0;
  for (size_t k = 0; k < p.size(); ++k) sum += p[k] = std::exp(logits[k]);
  const int n = 200000;
  std::vector<int> count(logits.size(), 0);
  Pcg32 rng(17);
  for (int i = 0; i < n; ++i) ++count[size_t(gumbelMax(logits, rng))];
  double chi2 = 0.0;
  for (size_t k = 0; k < p.size(); ++k) {
    const double expected = n * p[k] / sum;
    chi2 += std::pow(count[k] - expected, 2) / expected;
  }
  EXPECT_LT(chi2, 18.47);  // chi-square, 4 degrees of freedom, p = 0.001
}

TEST(Estimators, ScoreFunctionEstimatorsAreUnbiased) {
  for (EstimatorKind k :
       {EstimatorKind::Reinforce, EstimatorKind::ReinforceBaseline, EstimatorKind::ReinforceLoo}) {
    EstimatorSpec s;
    s.kind = k;
    s.samples = 8;
    s.repeats = 20000;
    s.seed = 3;
    EstimatorProblem g;
    g.f = GaussianF::Sin;
    g.theta = {0.7, 0.9};
    for (const EstimatorProblem& p : {g, categorical()}) {
      const EstimatorStats r = estimatorStats(p, s);
      for (size_t j = 0; j < r.exact.size(); ++j)
        EXPECT_LT(std::abs(r.bias[j]), 4.0 * r.standardError[j] + 1e-12)
            << estimatorKindName(k) << " " << estimatorDistName(p.dist) << " component " << j;
    }
  }
}

TEST(Estimators, BaselinesLowerTheVariance) {
  EstimatorProblem p;
  p.f = GaussianF::Square;
  p.theta = {2.0, 0.5};  // f far from 0: plain REINFORCE's weights are large
  EstimatorSpec s;
  s.samples = 16;
  s.repeats = 4000;
  s.kind = EstimatorKind::Reinforce;
  const double plain = estimatorStats(p, s).variance[0];
  for (EstimatorKind k : {EstimatorKind::ReinforceBaseline, EstimatorKind::ReinforceLoo}) {
    s.kind = k;
    EXPECT_LT(estimatorStats(p, s).variance[0], plain / 2.0) << estimatorKindName(k);
  }
}

TEST(Estimators, PathwiseMatchesTheClosedForm) {
  for (GaussianF f : {GaussianF::Square, GaussianF::Sin, GaussianF::Cos, GaussianF::Abs}) {
    EstimatorProblem p;
    p.f = f;
    p.theta = {0.4, 1.3};
    EstimatorSpec s;
    s.kind = EstimatorKind::Pathwise;
    s.samples = 4;
    s.repeats = 20000;
    const EstimatorStats r = estimatorStats(p, s);
    for (size_t j = 0; j < 2; ++j)
      EXPECT_LT(std::abs(r.bias[j]), 4.0 * r.standardError[j]) << gaussianFName(f) << " " << j;
  }
  // The closed forms themselves against central differences of L.
  for (GaussianF f :
       {GaussianF::Square, GaussianF::Sin, GaussianF::Cos, GaussianF::Step, GaussianF::Abs}) {
    EstimatorProblem p;
    p.f = f;
    p.theta = {0.4, 1.3};
    const std::vector<double> g = exactGradient(p);
    for (size_t j = 0; j < 2; ++j) {
      EstimatorProblem a = p, b = p;
      a.theta[j] += 1e-6;
      b.theta[j] -= 1e-6;
      EXPECT_NEAR(g[j], (objective(a) - objective(b)) / 2e-6, 1e-6) << gaussianFName(f);
    }
  }
  // The step's pathwise gradient is 0 almost surely: biased, where REINFORCE is not.
  EstimatorProblem step;
  step.f = GaussianF::Step;
  EstimatorSpec s;
  s.kind = EstimatorKind::Pathwise;
  s.repeats = 100;
  const EstimatorStats r = estimatorStats(step, s);
  EXPECT_EQ(r.mean[0], 0.0);
  EXPECT_GT(r.exact[0], 0.1);
}

TEST(Estimators, GumbelSoftmaxTradesBiasForVarianceAsTauFalls) {
  double lastBias = INFINITY, lastVariance = 0.0;
  for (double tau : {2.0, 0.5, 0.1}) {
    EstimatorSpec s;
    s.kind = EstimatorKind::GumbelSoftmax;
    s.tau = tau;
    s.repeats = 40000;
    s.seed = 5;
    const EstimatorStats r = estimatorStats(categorical(), s);
    double bias = 0.0, variance = 0.0;
    for (size_t j = 0; j < r.exact.size(); ++j) {
      bias += r.bias[j] * r.bias[j];
      variance += r.variance[j];
    }
    bias = std::sqrt(bias);
    EXPECT_LT(bias, lastBias) << "tau " << tau;
    EXPECT_GT(variance, lastVariance) << "tau " << tau;
    lastBias = bias;
    lastVariance = variance;
  }
}

TEST(Estimators, BadProblemsAndSpecsAreRefusedByName) {
  using testing::errorOf;
  EstimatorProblem p = categorical();
  p.table.pop_back();
  EXPECT_NE(errorOf([&] { validate(p); }).find("f:"), std::string::npos);
  EstimatorProblem g;
  g.theta = {0.0, -1.0};
  EXPECT_NE(errorOf([&] { validate(g); }).find("sigma"), std::string::npos);
  EXPECT_NE(errorOf([&] {
              checkApplies(EstimatorKind::Pathwise, EstimatorDist::Categorical);
            }).find("estimator:"),
            std::string::npos);
  EstimatorSpec s;
  s.kind = EstimatorKind::ReinforceLoo;
  s.samples = 1;
  EXPECT_NE(errorOf([&] { validate(s); }).find("samples:"), std::string::npos);
}

TEST(Estimators, TypedExpressionsEvaluateDifferentiateAndIntegrate) {
  const Expression e = Expression::parse("x^3 - 2*sin(x) + exp(-x^2/2) / (1 + abs(x))");
  for (double x : {-1.3, 0.4, 2.2}) {
    const double expect = x * x * x - 2 * std::sin(x) + std::exp(-x * x / 2) / (1 + std::abs(x));
    EXPECT_NEAR(e.evaluate(x).f, expect, 1e-12);
    const double h = 1e-6;
    EXPECT_NEAR(e.evaluate(x).slope, (e.evaluate(x + h).f - e.evaluate(x - h).f) / (2 * h), 1e-6);
  }
  EXPECT_DOUBLE_EQ(Expression::parse("2^3^2").evaluate(0).f, 512.0);  // right-associative
  EXPECT_DOUBLE_EQ(Expression::parse("-x^2").evaluate(3).f, -9.0);
  // The quadrature's L and gradient of a typed x^2 and sin(x) equal the closed forms.
  for (const auto& [text, f] : {std::pair{"x^2", GaussianF::Square}, {"sin(z)", GaussianF::Sin}}) {
    EstimatorProblem named, typed;
    named.f = f;
    named.theta = typed.theta = {0.3, 1.7};
    typed.expression = Expression::parse(text);
    EXPECT_NEAR(objective(typed), objective(named), 1e-9) << text;
    for (size_t j = 0; j < 2; ++j)
      EXPECT_NEAR(exactGradient(typed)[j], exactGradient(named)[j], 1e-8) << text;
  }
  // Pathwise on a typed cubic is unbiased against the quadrature.
  EstimatorProblem cubic;
  cubic.theta = {0.5, 0.8};
  cubic.expression = Expression::parse("x^3");
  EstimatorSpec s;
  s.kind = EstimatorKind::Pathwise;
  s.samples = 4;
  s.repeats = 20000;
  const EstimatorStats r = estimatorStats(cubic, s);
  EXPECT_NEAR(r.exact[0], 3 * (0.25 + 0.64), 1e-8);  // d/dmu E[z^3] = 3 (mu^2 + sigma^2)
  for (size_t j = 0; j < 2; ++j) EXPECT_LT(std::abs(r.bias[j]), 4.0 * r.standardError[j]);
  using testing::errorOf;
  EXPECT_NE(errorOf([] { Expression::parse("x +* 2"); }).find("column"), std::string::npos);
  EXPECT_NE(errorOf([] { Expression::parse("foo(x)"); }).find("unknown name 'foo'"),
            std::string::npos);
  EXPECT_NE(errorOf([] { Expression::parse("(x"); }).find("')' expected"), std::string::npos);
  EstimatorProblem bad;
  bad.expression = Expression::parse("log(x)");
  EXPECT_NE(errorOf([&] { objective(bad); }).find("not finite"), std::string::npos);
}

// The 2-D Gaussian: each closed form equals the quadrature of the same function typed as an
// expression; the pathwise and score-function estimators are unbiased within their standard
// errors; y belongs to the plane only.
TEST(Estimators, PlaneClosedFormsMatchQuadratureAndEstimatorsAreUnbiased) {
  const std::pair<Gaussian2F, const char*> pairs[] = {{Gaussian2F::Bowl, "x^2 + y^2"},
                                                      {Gaussian2F::Product, "x*y"},
                                                      {Gaussian2F::Wave, "sin(x)*cos(y)"},
                                                      {Gaussian2F::Quadrant, "step(x)*step(y)"}};
  for (const auto& [named, text] : pairs) {
    EstimatorProblem closed;
    closed.dist = EstimatorDist::Gaussian2d;
    closed.theta = {0.7, -0.4, 0.9};
    closed.f2 = named;
    EstimatorProblem typed = closed;
    typed.expression = Expression::parse(text);
    // The trapezoid rule (h = 0.04) is exact to ~1e-6 on smooth f; across the step's jump it
    // errs by about h times the density there.
    const double tol = named == Gaussian2F::Quadrant ? 1e-2 : 1e-5;
    EXPECT_NEAR(objective(closed), objective(typed), tol) << text;
    const auto a = exactGradient(closed), b = exactGradient(typed);
    ASSERT_EQ(a.size(), 3u);
    for (size_t k = 0; k < 3; ++k) EXPECT_NEAR(a[k], b[k], 2 * tol) << text << " component " << k;
    for (EstimatorKind kind :
         {EstimatorKind::Pathwise, EstimatorKind::Reinforce, EstimatorKind::ReinforceLoo}) {
      if (named == Gaussian2F::Quadrant && kind == EstimatorKind::Pathwise) continue;  // blind
      EstimatorSpec s;
      s.kind = kind;
      s.samples = 4;
      s.repeats = 20000;
      s.seed = 3;
      const EstimatorStats st = estimatorStats(closed, s);
      for (size_t k = 0; k < 3; ++k)
        EXPECT_LT(std::abs(st.bias[k]), 4.0 * st.standardError[k] + 1e-12)
            << text << " " << estimatorKindName(kind) << " component " << k;
    }
  }
  EstimatorProblem p;
  p.dist = EstimatorDist::Gaussian2d;
  p.theta = {0.0, 1.0};
  EXPECT_THROW(validate(p), InputError);
  p.theta = {0.0, 1.0, 0.0};
  EXPECT_THROW(validate(p), InputError);
  EstimatorProblem line;
  line.expression = Expression::parse("x + y");
  EXPECT_THROW(validate(line), InputError);
  EXPECT_THROW(checkApplies(EstimatorKind::GumbelSoftmax, EstimatorDist::Gaussian2d), InputError);
}

}  // namespace
}  // namespace flowscope
