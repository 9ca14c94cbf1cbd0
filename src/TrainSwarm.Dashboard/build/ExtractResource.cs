#:property PublishAot=false
// Copies one embedded resource out of a .NET assembly: ExtractResource.cs ASSEMBLY RESOURCE-NAME DESTINATION.
// The build runs it (`dotnet run --file`) to take blazor.web.js out of the ASP.NET Core runtime pack; see BlazorScript.targets.
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: ExtractResource.cs ASSEMBLY RESOURCE-NAME DESTINATION");
    return 2;
}
using var file = File.OpenRead(args[0]);
using var pe = new PEReader(file);
var metadata = pe.GetMetadataReader();
var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
foreach (var handle in metadata.ManifestResources)
{
    var resource = metadata.GetManifestResource(handle);
    if (metadata.GetString(resource.Name) != args[1])
        continue;
    var block = pe.GetSectionData(directory.RelativeVirtualAddress);
    var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
    var length = reader.ReadInt32();
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[2]))!);
    File.WriteAllBytes(args[2], reader.ReadBytes(length));
    return 0;
}
Console.Error.WriteLine($"error: {args[0]} has no resource {args[1]}");
return 1;
