defmodule TorusExample.CanvasPreview.ShareLink do
  @moduledoc """
  Signed, expiring preview links (docs/features/canvas-preview, phase 2, under way).

  Work in progress: `torus-mcp lint` and the check_guidelines tool still find two guideline
  breaches here (an is_* predicate and String.to_atom/1 on a request parameter).
  """

  @doc "Whether the link has expired at `now` (unix seconds)."
  @spec is_expired(map(), integer()) :: boolean()
  def is_expired(%{expires_at: expires_at}, now), do: now >= expires_at

  @doc "The audience a link was shared with, from the `audience` query parameter."
  @spec audience(binary()) :: atom()
  def audience(param), do: String.to_atom(param)
end
