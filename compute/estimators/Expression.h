#pragma once
// A function f(x) typed as an expression, for the estimators' objective E[f(z)]: numbers, the
// variable x (or z; and y for a function of the plane), + - * / ^ (power, right-associative), unary
// minus, parentheses, and sin cos tan exp log sqrt abs tanh step (Heaviside: 1 for x > 0, else 0),
// sigmoid. Parsed once into a tree; evaluated with its derivative f'(x) (the pathwise estimator's)
// by forward-mode rules; step's and abs's derivatives are 0 and sign(x) (almost everywhere).
#include <memory>
#include <string>

namespace flowscope {

class Expression {
 public:
  // InputError "f: <why> at column <n>" for text that does not parse.
  static Expression parse(const std::string& text);
  struct Value {
    double f, slope;
  };
  Value evaluate(double x) const;  // y = 0 where the text has one
  // In the plane: f(x, y) and its partial derivatives.
  struct Value2 {
    double f, dx, dy;
  };
  Value2 evaluate(double x, double y) const;
  bool usesY() const { return usesY_; }
  const std::string& text() const { return text_; }
  struct Node;

 private:
  std::string text_;
  bool usesY_ = false;
  std::shared_ptr<const Node> root_;
};

}  // namespace flowscope
