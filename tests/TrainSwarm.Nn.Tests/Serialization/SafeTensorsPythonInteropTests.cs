using System.Diagnostics;
using System.Globalization;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Nn.Tests.Serialization;

public class SafeTensorsPythonInteropTests
{
    private const string Python = "/usr/bin/python3";

    // A plain-Python reader (json + struct, as the format's spec describes it): prints one line per tensor with
    // its dtype, shape and values. Python-written files are covered by the golden tests.
    private const string Reader = """
        import json, struct, sys
        data = open(sys.argv[1], "rb").read()
        n = struct.unpack("<Q", data[:8])[0]
        assert n % 8 == 0, "header not padded"
        header = json.loads(data[8:8 + n])
        body = data[8 + n:]
        fmt = {"F32": "f", "I8": "b", "I32": "i", "I64": "q"}
        for name, info in sorted(header.items()):
            if name == "__metadata__":
                print("meta", json.dumps(info, sort_keys=True)); continue
            b, e = info["data_offsets"]
            count = (e - b) // struct.calcsize(fmt[info["dtype"]])
            values = struct.unpack("<%d%s" % (count, fmt[info["dtype"]]), body[b:e])
            print(name, info["dtype"], info["shape"], " ".join(repr(v) for v in values))
        """;

    [Fact]
    public void Python_reads_what_we_write()
    {
        // test.sh installs Debian's python3; without it this check must fail, not pass unseen.
        Assert.True(File.Exists(Python), $"{Python} is missing: install Debian's python3 (test.sh does)");
        string path = Path.Combine(Path.GetTempPath(), $"ts-interop-{Guid.NewGuid():N}.safetensors");
        SafeTensorsWriter.WriteFile(path,
        [
            NamedArray.F32("0.weight", [0.5f, -1.25f, 3f, 1e-3f, 0f, 2f], 2, 3),
            NamedArray.F32("0.bias", [0.1f, -0.1f], 2),
            NamedArray.I64("targets", [9, 0, long.MaxValue], 3),
            NamedArray.I8("q", [-128, 127], 2),
            NamedArray.I32("n", [-5], 1),
        ], new Dictionary<string, string> { ["format"] = "pt" });
        try
        {
            string[] lines = Run(path);
            Assert.Equal(
            [
                "0.bias F32 [2] " + Py(0.1f) + " " + Py(-0.1f),
                "0.weight F32 [2, 3] 0.5 -1.25 3.0 " + Py(1e-3f) + " 0.0 2.0",
                "meta {\"format\": \"pt\"}",
                "n I32 [1] -5",
                "q I8 [2] -128 127",
                "targets I64 [3] 9 0 9223372036854775807",
            ], lines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Python prints a float32 read by struct as the shortest repr of the double it widens to.
    private static string Py(float f) => ((double)f).ToString("R", CultureInfo.InvariantCulture);

    private static string[] Run(string path)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Reader);
        psi.ArgumentList.Add(path);
        using Process p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
