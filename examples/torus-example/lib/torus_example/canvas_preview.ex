defmodule TorusExample.CanvasPreview do
  @moduledoc """
  Renders a page's content blocks as the preview authors see before publishing
  (docs/features/canvas-preview, phase 1).
  """

  alias TorusExample.CanvasPreview.Block

  @type result :: %{html: binary(), warnings: [binary()]}

  @doc """
  Renders the page's blocks in document order.

  Unsupported blocks do not stop the preview: they are left out of the HTML and
  reported in `warnings`.
  """
  @spec render(map()) :: {:ok, result()} | {:error, :invalid_page}
  def render(%{"blocks" => blocks}) when is_list(blocks) do
    started_at = System.monotonic_time()

    {parts, warnings} =
      Enum.reduce(blocks, {[], []}, fn block, {parts, warnings} ->
        case Block.render(block) do
          {:ok, html} -> {[html | parts], warnings}
          {:warning, message} -> {parts, [message | warnings]}
        end
      end)

    html = parts |> Enum.reverse() |> Enum.intersperse("\n") |> IO.iodata_to_binary()
    {:ok, %{html: html, warnings: Enum.reverse(warnings)}}
  end

  def render(_page), do: {:error, :invalid_page}
end
