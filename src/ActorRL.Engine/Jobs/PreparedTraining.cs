using Akka.Configuration;
using ActorRL.Engine.Configuration;
using ActorRL.Engine.Training;
using ActorRL.Model.Tokenizers;
using ActorRL.Tasks;
using static TorchSharp.torch;

namespace ActorRL.Engine.Jobs;

/// <summary>
/// A training run that passed every check start-up can make (see <see cref="TrainingJob.Prepare"/>), with what those
/// checks built: nothing has been written anywhere yet, so a caller may now delete an old run (<c>--fresh</c>).
/// </summary>
/// <param name="WarmStartSteps">Steps of the warm start: 0 without the sft stage or when the task has no demonstrations.</param>
/// <param name="Akka">The actor system's configuration: the pipeline's <c>akka</c> section and the ledger's plugins.</param>
public sealed record PreparedTraining(
    ActorRLSettings Settings,
    IVerifiableTask Task,
    ITokenizer Tokenizer,
    PromptEncoding Encoding,
    Device LearnerDevice,
    int WarmStartSteps,
    Config Akka);
