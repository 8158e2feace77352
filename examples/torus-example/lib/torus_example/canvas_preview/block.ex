defmodule TorusExample.CanvasPreview.Block do
  @moduledoc """
  Renders one content block of a page. Every piece of author text is escaped,
  so a block can never inject markup into the preview.
  """

  @spec render(map()) :: {:ok, iodata()} | {:warning, binary()}
  def render(%{"type" => "heading", "text" => text}) do
    {:ok, ["<h2>", escape(text), "</h2>"]}
  end

  def render(%{"type" => "paragraph", "text" => text}) do
    {:ok, ["<p>", escape(text), "</p>"]}
  end

  def render(%{"type" => "image", "src" => src} = block) do
    alt = Map.get(block, "alt", "")
    {:ok, ["<img src=\"", escape(src), "\" alt=\"", escape(alt), "\">"]}
  end

  def render(%{"type" => type}) when is_binary(type) do
    {:warning, "unsupported block type: " <> type}
  end

  def render(_block), do: {:warning, "block without a type"}

  @spec escape(binary()) :: iodata()
  def escape(text) when is_binary(text) do
    for <<char <- text>>, do: escape_char(char)
  end

  defp escape_char(?<), do: "&lt;"
  defp escape_char(?>), do: "&gt;"
  defp escape_char(?&), do: "&amp;"
  defp escape_char(?"), do: "&quot;"
  defp escape_char(?'), do: "&#39;"
  defp escape_char(char), do: char
end
