namespace TrainSwarm.Tensors.Autograd;

/// <summary>Reverse-mode differentiation over the recorded graph.</summary>
public static class Backprop
{
    [ThreadStatic] private static List<Tensor>? t_order;
    [ThreadStatic] private static Stack<(Tensor Tensor, bool Expanded)>? t_stack;
    private static int s_visitGeneration;

    /// <summary>
    /// Computes gradients of the scalar <paramref name="loss"/> with respect to every tensor that requires one,
    /// accumulating into leaves' <see cref="Tensor.Grad"/>.
    /// </summary>
    public static void Backward(this Tensor loss)
    {
        if (loss.Length != 1) throw new InvalidOperationException($"backward needs a scalar loss, got shape {loss.ShapeText}");
        if (!loss.RequiresGrad) throw new InvalidOperationException("the loss does not depend on anything that requires a gradient");

        var order = t_order ??= new List<Tensor>(64);
        var stack = t_stack ??= new Stack<(Tensor, bool)>(64);
        order.Clear();
        int mark = Interlocked.Increment(ref s_visitGeneration);

        // Iterative post-order DFS: a tensor is appended after everything it depends on.
        stack.Push((loss, false));
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (expanded)
            {
                order.Add(t);
                continue;
            }
            if (t.VisitMark == mark) continue;
            t.VisitMark = mark;
            if (t.GradFn is not { } node) continue;
            stack.Push((t, true));
            PushInput(stack, node.Input0, mark);
            PushInput(stack, node.Input1, mark);
            PushInput(stack, node.Input2, mark);
        }

        if (loss.Grad is null)
        {
            loss.Grad = Tensor.Empty(loss.ShapeArray);
            loss.Grad.Span[0] = 1f;
        }
        else
        {
            loss.Grad.Span[0] += 1f;
        }

        // Reverse post-order: every consumer runs before the tensor it consumed.
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (t.Grad is not null) t.GradFn!.Backward(t);
        }
        order.Clear();
    }

    private static void PushInput(Stack<(Tensor, bool)> stack, Tensor? input, int mark)
    {
        if (input is not null && input.RequiresGrad && input.VisitMark != mark) stack.Push((input, false));
    }
}
