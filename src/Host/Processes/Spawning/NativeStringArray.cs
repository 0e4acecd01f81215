using System.Runtime.InteropServices;
using System.Text;

namespace Supervisor.Host.Processes.Spawning;

/// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings (argv, envp) in one native block.</summary>
internal sealed unsafe class NativeStringArray : IDisposable
{
    private void* _block;

    public NativeStringArray(IReadOnlyList<string> values)
    {
        var pointerBytes = (values.Count + 1) * sizeof(byte*);
        var total = pointerBytes;
        foreach (var value in values)
        {
            total += Encoding.UTF8.GetByteCount(value) + 1;
        }

        _block = NativeMemory.Alloc((nuint)total);
        var pointers = (byte**)_block;
        var cursor = (byte*)_block + pointerBytes;
        var end = (byte*)_block + total;
        for (var i = 0; i < values.Count; i++)
        {
            pointers[i] = cursor;
            var written = Encoding.UTF8.GetBytes(values[i], new Span<byte>(cursor, (int)(end - cursor)));
            cursor[written] = 0;
            cursor += written + 1;
        }

        pointers[values.Count] = null;
    }

    public byte** Pointers => (byte**)_block;

    public void Dispose()
    {
        if (_block is not null)
        {
            NativeMemory.Free(_block);
            _block = null;
        }
    }
}
