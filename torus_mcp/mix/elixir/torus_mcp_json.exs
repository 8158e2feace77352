# Loaded into the project's VM with `elixir -r` by torus-mcp; it must not depend on anything
# outside Elixir itself (the project may have no Jason) and must compile without warnings on
# Elixir 1.14 to 1.19, because its warnings would land in the output being parsed.
defmodule TorusMcp.Json do
  @moduledoc false

  # Inspected values (a huge map on the left of an assertion) can run to megabytes.
  @max_string 20_000

  def line(map) when is_map(map), do: [encode(map), ?\n]

  def encode(nil), do: "null"
  def encode(true), do: "true"
  def encode(false), do: "false"
  def encode(value) when is_integer(value), do: Integer.to_string(value)
  def encode(value) when is_float(value), do: Float.to_string(value)
  def encode(value) when is_atom(value), do: string(Atom.to_string(value))
  def encode(value) when is_binary(value), do: string(value)

  def encode(value) when is_list(value) do
    [?[, Enum.map_intersperse(value, ?,, &encode/1), ?]]
  end

  def encode(value) when is_map(value) do
    pairs =
      Enum.map_intersperse(value, ?,, fn {key, item} ->
        [string(to_string(key)), ?:, encode(item)]
      end)

    [?{, pairs, ?}]
  end

  def encode(value), do: string(inspect(value))

  defp string(value) do
    value = if String.valid?(value), do: value, else: inspect(value)
    [?", escape(truncate(value)), ?"]
  end

  defp truncate(value) when byte_size(value) <= @max_string, do: value

  defp truncate(value) do
    kept = valid_prefix(binary_part(value, 0, @max_string))
    kept <> "... [#{byte_size(value) - byte_size(kept)} more bytes]"
  end

  defp valid_prefix(value) do
    if String.valid?(value) or value == "",
      do: value,
      else: valid_prefix(binary_part(value, 0, byte_size(value) - 1))
  end

  defp escape(value) do
    value
    |> String.replace("\\", "\\\\")
    |> String.replace("\"", "\\\"")
    |> String.replace("\n", "\\n")
    |> String.replace("\r", "\\r")
    |> String.replace("\t", "\\t")
    |> escape_controls()
  end

  defp escape_controls(value) do
    if control_char?(value) do
      for <<byte <- value>>, into: "", do: control(byte)
    else
      value
    end
  end

  defp control_char?(value), do: :binary.match(value, Enum.map(0..31, &<<&1>>)) != :nomatch

  defp control(byte) when byte < 32 do
    "\\u00" <> String.pad_leading(Integer.to_string(byte, 16), 2, "0")
  end

  defp control(byte), do: <<byte>>

  # Appends lines to the file named by TORUS_MCP_EVENTS_FILE; the runner empties it before each
  # run, and an umbrella appends one suite per app.
  def append(iodata) do
    case System.get_env("TORUS_MCP_EVENTS_FILE") do
      nil -> :ok
      "" -> :ok
      path -> File.write(path, iodata, [:append])
    end
  end
end
