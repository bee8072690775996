namespace ActorRL.Tasks.MathAnswers;

/// <summary>The structure of a final answer, which decides how two answers are compared.</summary>
public abstract record AnswerShape;

/// <summary>One expression; <see cref="Percent"/> when written with %, "\%" or "percent".</summary>
public sealed record ScalarAnswer(MathNode Expression, bool Percent) : AnswerShape;

/// <summary>A word answer ("Monday", "\text{(C)}"), compared without regard to case.</summary>
public sealed record TextAnswer(string Text) : AnswerShape;

/// <summary>A tuple or interval: the bracket characters matter, "(1, 2]" ≠ "(1, 2)"; items compare in order.</summary>
public sealed record BracketedAnswer(char Open, char Close, IReadOnlyList<AnswerShape> Items) : AnswerShape;

/// <summary>A set (<c>\{1, 2\}</c>, a bare list "1, 2", or "x = 1 or x = 2", or "±2"): order does not matter.</summary>
public sealed record SetAnswer(IReadOnlyList<AnswerShape> Items) : AnswerShape;

/// <summary>A union of intervals (<c>(-\infty, 0) \cup (1, \infty)</c>): order does not matter.</summary>
public sealed record UnionAnswer(IReadOnlyList<AnswerShape> Parts) : AnswerShape;

/// <summary>An equation whose left side is not a lone variable ("x^2 + y^2 = 1").</summary>
public sealed record EquationAnswer(MathNode Left, MathNode Right) : AnswerShape;

/// <summary>Text that none of the parsers accept; equal only to the same text.</summary>
public sealed record UnparsedAnswer(string Text) : AnswerShape;
