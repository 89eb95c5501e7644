namespace Forcelink.Operations;

/// <summary>
/// The one place a batch's answers are put back in input order: each input either becomes an operation, run together
/// with the others, or is answered at once (invalid, refused, already done); every input gets exactly one answer.
/// </summary>
internal static class BatchAnswers
{
    /// <summary>Prepares one input: null with the operation to run, or the input's answer.</summary>
    public delegate OperationResult? Prepare<in TInput, TOperation>(TInput input, out TOperation? operation);

    /// <param name="inputs">The batch, in the caller's order.</param>
    /// <param name="prepare">An input's operation to run, or its answer.</param>
    /// <param name="run">Runs the operations together; answers them in their order.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<IReadOnlyList<OperationResult>> RunAsync<TInput, TOperation>(
        IReadOnlyList<TInput> inputs,
        Prepare<TInput, TOperation> prepare,
        Func<IReadOnlyList<TOperation>, CancellationToken, Task<IReadOnlyList<OperationResult>>> run,
        CancellationToken cancellationToken = default)
        where TOperation : class
    {
        var answers = new OperationResult?[inputs.Count];
        var operations = new List<TOperation>(inputs.Count);
        var positions = new List<int>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (prepare(inputs[i], out var operation) is { } answer)
            {
                answers[i] = answer;
            }
            else
            {
                operations.Add(operation ?? throw new InvalidOperationException($"Input {i} of the batch was prepared into neither an operation nor an answer."));
                positions.Add(i);
            }
        }

        var ran = operations.Count == 0 ? [] : await run(operations, cancellationToken).ConfigureAwait(false);
        if (ran.Count != operations.Count)
        {
            throw new InvalidOperationException($"{operations.Count} operations were run and {ran.Count} answered: every operation must get exactly one answer.");
        }

        for (var j = 0; j < ran.Count; j++)
        {
            answers[positions[j]] = ran[j];
        }

        return answers!;
    }
}
