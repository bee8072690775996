using ActorRL.Tasks.Numerics;

namespace ActorRL.Tasks.MathAnswers;

/// <summary>A parsed mathematical expression (the output of <see cref="MathExpressionParser"/>).</summary>
public abstract record MathNode;

/// <summary>A literal: integers and decimals are kept exact.</summary>
public sealed record NumberNode(Rational Value) : MathNode;

/// <summary>A free variable such as <c>x</c>, <c>x_1</c> or <c>theta</c>.</summary>
public sealed record VariableNode(string Name) : MathNode;

/// <summary><c>\pi</c> or <c>\infty</c>.</summary>
public sealed record ConstantNode(MathConstant Constant) : MathNode;

public enum MathConstant { Pi, Infinity }

public sealed record NegateNode(MathNode Operand) : MathNode;

/// <summary>A binary operation; <see cref="Operator"/> is one of + - * / ^.</summary>
public sealed record BinaryNode(char Operator, MathNode Left, MathNode Right) : MathNode
{
    /// <summary>Written as <c>\frac{a}{b}</c> (lets "2\frac{1}{2}" read as a mixed number).</summary>
    public bool IsFromFrac { get; init; }
}

/// <summary>A named function of one argument: sqrt, abs, factorial, sin, cos, tan, ln, log, exp.</summary>
public sealed record FunctionNode(string Name, MathNode Argument) : MathNode;

/// <summary>The <paramref name="Degree"/>-th root, from <c>\sqrt[n]{x}</c>.</summary>
public sealed record RootNode(MathNode Degree, MathNode Radicand) : MathNode;
