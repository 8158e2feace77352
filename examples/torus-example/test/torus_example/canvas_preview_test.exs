defmodule TorusExample.CanvasPreviewTest do
  use ExUnit.Case, async: true

  alias TorusExample.CanvasPreview

  # @ac "AC-001"
  test "renders heading, paragraph and image blocks in document order" do
    page = %{
      "blocks" => [
        %{"type" => "heading", "text" => "Orbits"},
        %{"type" => "paragraph", "text" => "Planets move in ellipses."},
        %{"type" => "image", "src" => "/media/orbit.png", "alt" => "An elliptical orbit"}
      ]
    }

    assert {:ok, %{html: html, warnings: []}} = CanvasPreview.render(page)

    assert html ==
             "<h2>Orbits</h2>\n<p>Planets move in ellipses.</p>\n" <>
               "<img src=\"/media/orbit.png\" alt=\"An elliptical orbit\">"
  end

  @tag ac: "AC-002"
  test "escapes markup in author text" do
    page = %{"blocks" => [%{"type" => "paragraph", "text" => "<script>alert(1)</script>"}]}

    assert {:ok, %{html: html}} = CanvasPreview.render(page)
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
  end

  @tag ac: "AC-003"
  test "reports unsupported blocks as warnings and renders the rest" do
    page = %{
      "blocks" => [
        %{"type" => "poll", "question" => "Ready?"},
        %{"type" => "paragraph", "text" => "Still here."}
      ]
    }

    assert {:ok, %{html: "<p>Still here.</p>", warnings: ["unsupported block type: poll"]}} =
             CanvasPreview.render(page)
  end

  test "refuses a page without a block list" do
    assert {:error, :invalid_page} = CanvasPreview.render(%{"title" => "No blocks"})
  end
end
