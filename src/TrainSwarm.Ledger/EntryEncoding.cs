using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TrainSwarm.Ledger;

/// <summary>
/// The canonical byte encodings that are hashed and signed. Integers are big-endian and fixed width; strings and
/// byte strings are a 4-byte big-endian length followed by the bytes (strings as UTF-8). Every encoding starts with
/// a tag naming it and its version, so bytes signed for one purpose can never be replayed as another.
/// <code>
/// request = "trainswarm-transfer-v1\0" id:u128 kind:u8 debit:u128 credit:u128 amount:i64 reason:u8
///           job:str round:i64 pending_id:u128 timeout_seconds:u32
/// entry   = "trainswarm-entry-v1\0" type:u8 sequence:i64 timestamp_ms:i64 previous_hash:32 body actor
/// body    = genesis:  devnet:u8 coordinator_key:bytes coordinator_address:str
///         | account:  id:u128 owner:str kind:u8
///         | transfer: request
/// actor   = 0:u8 | 1:u8 address:str public_key:bytes signature:bytes
/// hash    = SHA-256(entry);  coordinator_signature = ECDSA-P256-SHA256(hash), r || s
/// </code>
/// </summary>
public static class EntryEncoding
{
    private static readonly byte[] RequestTag = Encoding.ASCII.GetBytes("trainswarm-transfer-v1\0");
    private static readonly byte[] EntryTag = Encoding.ASCII.GetBytes("trainswarm-entry-v1\0");

    /// <summary>The bytes an actor signs for <paramref name="request"/>.</summary>
    public static byte[] RequestBytes(TransferRequest request)
    {
        var writer = new Writer();
        WriteRequest(writer, request);
        return writer.ToArray();
    }

    /// <summary>The hash of an entry's content (everything but its own hash and signature).</summary>
    public static byte[] ComputeHash(LedgerEntry entry) => SHA256.HashData(EntryBytes(entry));

    /// <summary>The canonical bytes of an entry's content.</summary>
    public static byte[] EntryBytes(LedgerEntry entry)
    {
        var writer = new Writer();
        writer.Raw(EntryTag);
        writer.U8((byte)entry.Type);
        writer.I64(entry.Sequence);
        writer.I64(entry.Timestamp);
        if (entry.PreviousHash.Length != LedgerEntry.HashSize)
            throw new ArgumentException($"entry {entry.Sequence}: previous hash must be {LedgerEntry.HashSize} bytes", nameof(entry));
        writer.Raw(entry.PreviousHash);
        switch (entry.Type)
        {
            case EntryType.Genesis when entry.Genesis is { } genesis:
                writer.U8(genesis.Devnet ? (byte)1 : (byte)0);
                writer.Bytes(genesis.CoordinatorPublicKey);
                writer.Str(genesis.CoordinatorAddress);
                break;
            case EntryType.OpenAccount when entry.Account is { } account:
                writer.U128(account.Id);
                writer.Str(account.Owner);
                writer.U8((byte)account.Kind);
                break;
            case EntryType.Transfer when entry.Transfer is { } transfer:
                WriteRequest(writer, transfer);
                break;
            default:
                throw new ArgumentException($"entry {entry.Sequence}: type {entry.Type} without its body", nameof(entry));
        }
        if (entry.Actor is { } actor)
        {
            writer.U8(1);
            writer.Str(actor.Address);
            writer.Bytes(actor.PublicKey);
            writer.Bytes(actor.Signature);
        }
        else
        {
            writer.U8(0);
        }
        return writer.ToArray();
    }

    private static void WriteRequest(Writer writer, TransferRequest request)
    {
        writer.Raw(RequestTag);
        writer.U128(request.Id);
        writer.U8((byte)request.Kind);
        writer.U128(request.DebitAccount);
        writer.U128(request.CreditAccount);
        writer.I64(request.Amount);
        writer.U8((byte)request.Reason);
        writer.Str(request.Job);
        writer.I64(request.Round);
        writer.U128(request.PendingId);
        writer.U32(request.TimeoutSeconds);
    }

    /// <summary>A growable big-endian writer; small because entries are small.</summary>
    private sealed class Writer
    {
        private byte[] _buffer = new byte[256];
        private int _length;

        public void Raw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));
        public void U8(byte value) => Take(1)[0] = value;
        public void U32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);
        public void I64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);
        public void U128(UInt128 value) => BinaryPrimitives.WriteUInt128BigEndian(Take(16), value);

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            U32((uint)bytes.Length);
            Raw(bytes);
        }

        public void Str(string text)
        {
            var count = Encoding.UTF8.GetByteCount(text);
            U32((uint)count);
            Encoding.UTF8.GetBytes(text, Take(count));
        }

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        private Span<byte> Take(int count)
        {
            if (_length + count > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            var span = _buffer.AsSpan(_length, count);
            _length += count;
            return span;
        }
    }
}
