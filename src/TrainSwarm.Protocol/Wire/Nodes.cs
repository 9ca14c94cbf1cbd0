namespace TrainSwarm.Protocol.Wire;

/// <summary>Registers an actor's public key so its signed requests can be checked. Self-certifying: signed by that key.</summary>
/// <param name="PublicKey">SubjectPublicKeyInfo DER, base64.</param>
/// <param name="Role"><c>creator</c>, <c>node</c> or <c>validator</c> (a validator must also be allowed by the coordinator).</param>
public sealed record ActorRegistration(string PublicKey, string Role);

/// <summary>A registered actor.</summary>
public sealed record ActorView(string Address, string Role, DateTimeOffset RegisteredAt);

/// <summary>The machine a node runs on.</summary>
/// <param name="Gpu">The GPU the node trains on, when it has one (null: the CPU engine, as every registration before GPUs).</param>
/// <param name="Device">The device kind its receipts record (see <see cref="TrainingReceipt.Device"/>); null in older registrations.</param>
public sealed record Hardware(int Cores, long MemoryBytes, string Os, string Cpu, GpuHardware? Gpu = null, string? Device = null);

/// <summary>A node's GPU: the driver's name and memory, its device kind, and the throughput the node measured on it.</summary>
/// <param name="Kind">Name and compute capability, e.g. <c>NVIDIA H100 80GB HBM3 sm_90</c>: what a replay must match.</param>
/// <param name="SamplesPerSecond">Training throughput of the benchmark model (<see cref="Benchmark.Model"/>) on the GPU, batch 64.</param>
public sealed record GpuHardware(string Name, long MemoryBytes, string Kind, double SamplesPerSecond);

/// <summary>A node's measured training throughput on a reference model.</summary>
public sealed record Benchmark(string Model, double SamplesPerSecond);

/// <summary>A node announcing itself (signed by its key; registering again updates the record).</summary>
/// <param name="PublicKey">SubjectPublicKeyInfo DER, base64.</param>
/// <param name="Datasets">Named datasets this node can train on; it is eligible only for rounds of these.</param>
public sealed record NodeRegistration(string PublicKey, string Name, Hardware Hardware, Benchmark Benchmark, IReadOnlyList<string> Datasets);

/// <summary>A node as the coordinator sees it, with its track record.</summary>
/// <param name="PublicKey">SubjectPublicKeyInfo DER, base64: checks the node's signed receipts.</param>
/// <param name="Earned">Micro-tokens paid to the node for its updates, all jobs.</param>
/// <param name="Staked">Micro-tokens the node has locked in rounds that have not settled yet.</param>
/// <param name="Frauds">Updates a validator proved fraudulent by replay: the reputation mark that never goes away.</param>
/// <param name="Slashed">Micro-tokens of stake lost to those frauds.</param>
public sealed record NodeView(
    string Address, string PublicKey, string Name, Hardware Hardware, Benchmark Benchmark, IReadOnlyList<string> Datasets,
    DateTimeOffset RegisteredAt, DateTimeOffset LastSeenAt, bool Online,
    int RoundsJoined, int UpdatesSubmitted, int UpdatesAccepted, int UpdatesRejected, int Dropped, long Earned = 0, long Staked = 0,
    int Frauds = 0, long Slashed = 0);

/// <summary>What a client learns about the coordinator before talking to it.</summary>
/// <param name="StakePerRound">Micro-tokens a node locks from its wallet to join a round (returned when the round settles).</param>
public sealed record CoordinatorInfo(string Address, string PublicKey, bool Devnet, string Version, IReadOnlyList<string> Validators, long MaxBlobBytes,
    long StakePerRound = 0);
