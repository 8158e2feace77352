# JSON for the guideline AST script (required by ast_facts.exs). Elixir has no JSON module before
# 1.18 and the project may have no Jason, so this is a small encoder of its own: maps, lists,
# strings, integers, atoms, booleans and nil, which is all the facts hold.

defmodule TorusMcp.GuidelineJson do
  @moduledoc false

  def encode(nil), do: "null"
  def encode(true), do: "true"
  def encode(false), do: "false"
  def encode(value) when is_integer(value), do: Integer.to_string(value)
  def encode(value) when is_atom(value), do: string(Atom.to_string(value))
  def encode(value) when is_binary(value), do: string(value)
  def encode(value) when is_list(value), do: [?[, Enum.map_intersperse(value, ?,, &encode/1), ?]]

  def encode(value) when is_map(value) do
    pairs =
      Enum.map_intersperse(value, ?,, fn {key, item} ->
        [string(to_string(key)), ?:, encode(item)]
      end)

    [?{, pairs, ?}]
  end

  # Copies runs of plain bytes whole and escapes only quotes, backslashes and control bytes.
  defp string(value), do: [?", escape(value, value, 0, 0, []), ?"]

  defp escape(<<byte, rest::binary>>, whole, start, length, acc)
       when byte < 0x20 or byte in [?", ?\\] do
    escape(rest, whole, start + length + 1, 0, [
      acc,
      binary_part(whole, start, length),
      escaped(byte)
    ])
  end

  defp escape(<<_byte, rest::binary>>, whole, start, length, acc),
    do: escape(rest, whole, start, length + 1, acc)

  defp escape(<<>>, whole, start, length, acc), do: [acc, binary_part(whole, start, length)]

  defp escaped(?"), do: "\\\""
  defp escaped(?\\), do: "\\\\"
  defp escaped(?\n), do: "\\n"
  defp escaped(?\r), do: "\\r"
  defp escaped(?\t), do: "\\t"
  defp escaped(byte), do: ["\\u00", String.pad_leading(Integer.to_string(byte, 16), 2, "0")]
end
