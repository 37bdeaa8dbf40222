package io.stillmotion.render.text;

import io.stillmotion.render.InvalidStoryException;
import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.LineBreakMeasurer;
import java.awt.font.TextAttribute;
import java.awt.font.TextLayout;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.List;

/**
 * Titles and captions as drawings over the frame: white DejaVu Sans Bold (shipped in the jar, see
 * {@code DejaVuSans-Bold.LICENSE.txt}) on a translucent dark box that keeps it readable on any
 * picture, wrapped to the frame's safe area, centred. Characters the shipped font lacks are drawn
 * with the system's sans-serif font when that has them (e.g. CJK where a font is installed) and
 * left out otherwise; control characters other than line breaks are left out.
 *
 * <p>Safe area (text never leaves it): portrait frames keep 6% of the width free on each side, 10%
 * of the height at the top and 20% at the bottom, where phone apps put their own buttons and
 * captions; landscape and square frames keep 7.5% on every side. The caption sits at the bottom
 * of the safe area, the title in its middle. A text that needs more than {@value #MAX_LINES} lines
 * even at 70% of the default size does not fit ({@code text_does_not_fit}).
 */
public final class TextOverlays {

  /** Where and how big a text is drawn. */
  public enum Role {
    /** Over the opening, centred, large. */
    TITLE(0.085),
    /** Along the bottom of the frame while its shot is on screen. */
    CAPTION(0.05);

    private final double size;

    Role(double size) {
      this.size = size;
    }
  }

  /** A drawing: non-premultiplied ARGB pixels and where their top-left corner sits in the frame. */
  public record Drawn(int[] argb, int width, int height, int left, int top) {
  }

  static final int MAX_LINES = 3;
  private static final double[] SCALES = {1.0, 0.85, 0.7};
  private static final Color TEXT = Color.WHITE;
  private static final Color BOX = new Color(0, 0, 0, 150);
  private static final FontRenderContext CONTEXT = new FontRenderContext(null, true, true);
  private static final Font BASE = loadFont();

  private TextOverlays() {
  }

  /** Throws unless the text can be laid out in the frame (names the field and the 0-based shot, or -1). */
  public static void check(String text, Role role, int frameW, int frameH, String field, int shot)
      throws InvalidStoryException {
    if (layout(text, role, frameW, frameH) == null) {
      String which = shot >= 0 ? " of image " + (shot + 1) : "";
      throw new InvalidStoryException("text_does_not_fit", field, shot,
          "The " + field + which + " does not fit in " + MAX_LINES + " lines of a " + frameW + "x" + frameH
              + " frame; shorten it");
    }
  }

  /** Draws the text, or returns null when it does not fit (see {@link #check}). */
  public static Drawn draw(String text, Role role, int frameW, int frameH) {
    Block block = layout(text, role, frameW, frameH);
    if (block == null) {
      return null;
    }
    int padX = (int) Math.ceil(block.size * 0.5);
    int padY = (int) Math.ceil(block.size * 0.3);
    int w = (int) Math.ceil(block.width) + 2 * padX;
    int h = (int) Math.ceil(block.height) + 2 * padY;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.setComposite(AlphaComposite.Src);
      g.setColor(BOX);
      g.fill(new RoundRectangle2D.Double(0, 0, w, h, padY * 2, padY * 2));
      g.setComposite(AlphaComposite.SrcOver);
      g.setColor(TEXT);
      float y = padY;
      for (TextLayout line : block.lines) {
        y += line.getAscent();
        float x = (float) (padX + (block.width - line.getAdvance()) / 2);
        line.draw(g, x, y);
        y += line.getDescent() + line.getLeading();
      }
    } finally {
      g.dispose();
    }
    Area area = Area.of(frameW, frameH);
    int left = (frameW - w) / 2;
    int top = role == Role.TITLE
        ? (int) Math.round(area.top + (area.height - h) / 2)
        : (int) Math.round(area.top + area.height - h);
    return new Drawn(image.getRGB(0, 0, w, h, null, 0, w), w, h, left, top);
  }

  private record Block(List<TextLayout> lines, double width, double height, float size) {
  }

  /** The frame's safe area in pixels. */
  private record Area(double left, double top, double width, double height) {
    static Area of(int w, int h) {
      if (h > w) {
        return new Area(0.06 * w, 0.10 * h, 0.88 * w, 0.70 * h);
      }
      return new Area(0.075 * w, 0.075 * h, 0.85 * w, 0.85 * h);
    }
  }

  private static Block layout(String text, Role role, int frameW, int frameH) {
    String clean = clean(text);
    if (clean.isEmpty()) {
      return null;
    }
    Area area = Area.of(frameW, frameH);
    float base = (float) (role.size * Math.min(frameW, frameH));
    for (double scale : SCALES) {
      float size = (float) Math.max(8, base * scale);
      double wrap = area.width - 2 * Math.ceil(size * 0.5);
      List<TextLayout> lines = wrap(clean, BASE.deriveFont(size), wrap);
      double height = lines.stream().mapToDouble(l -> l.getAscent() + l.getDescent() + l.getLeading()).sum();
      if (!lines.isEmpty() && lines.size() <= MAX_LINES && height + 2 * Math.ceil(size * 0.3) <= area.height) {
        double width = lines.stream().mapToDouble(TextLayout::getAdvance).max().orElse(0);
        return new Block(lines, width, height, size);
      }
    }
    return null;
  }

  private static List<TextLayout> wrap(String text, Font font, double width) {
    List<TextLayout> lines = new ArrayList<>();
    for (String paragraph : text.split("\n", -1)) {
      AttributedString styled = styled(paragraph, font);
      if (styled == null) {
        lines.add(new TextLayout(" ", font, CONTEXT));
        continue;
      }
      LineBreakMeasurer measurer = new LineBreakMeasurer(styled.getIterator(), CONTEXT);
      int end = styled.getIterator().getEndIndex();
      while (measurer.getPosition() < end) {
        lines.add(measurer.nextLayout((float) width));
        if (lines.size() > MAX_LINES) {
          return lines;
        }
      }
    }
    return lines;
  }

  /** The paragraph with a font on every character: the shipped one, else the system's fallback; null when empty. */
  private static AttributedString styled(String paragraph, Font font) {
    StringBuilder kept = new StringBuilder();
    List<int[]> fallbackRuns = new ArrayList<>();
    Font fallback = Fallback.font(font.getSize2D());
    paragraph.codePoints().forEach(cp -> {
      if (font.canDisplay(cp)) {
        kept.appendCodePoint(cp);
      } else if (fallback != null && fallback.canDisplay(cp)) {
        int at = kept.length();
        kept.appendCodePoint(cp);
        fallbackRuns.add(new int[] {at, kept.length()});
      }
    });
    if (kept.toString().isBlank()) {
      return null;
    }
    AttributedString styled = new AttributedString(kept.toString());
    styled.addAttribute(TextAttribute.FONT, font);
    for (int[] run : fallbackRuns) {
      styled.addAttribute(TextAttribute.FONT, fallback, run[0], run[1]);
    }
    return styled;
  }

  /** Line breaks normalised, other control characters and lone surrogates left out, ends trimmed. */
  static String clean(String text) {
    StringBuilder out = new StringBuilder();
    String unified = text.replace("\r\n", "\n").replace('\r', '\n');
    unified.codePoints().forEach(cp -> {
      boolean control = Character.getType(cp) == Character.CONTROL && cp != '\n';
      boolean lone = Character.getType(cp) == Character.SURROGATE;
      if (!control && !lone) {
        out.appendCodePoint(cp);
      }
    });
    return out.toString().strip();
  }

  private static Font loadFont() {
    try (InputStream in = TextOverlays.class.getResourceAsStream("DejaVuSans-Bold.ttf")) {
      if (in == null) {
        throw new IllegalStateException("the caption font is missing from the jar");
      }
      return Font.createFont(Font.TRUETYPE_FONT, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (FontFormatException e) {
      throw new IllegalStateException("the caption font cannot be read", e);
    }
  }

  /** The system's sans-serif font, if the platform has one (a bare JRE without fontconfig may not). */
  private static final class Fallback {
    private static final Font SANS = system();

    static Font font(float size) {
      return SANS == null ? null : SANS.deriveFont(size);
    }

    private static Font system() {
      try {
        Font f = new Font(Font.SANS_SERIF, Font.BOLD, 12);
        f.canDisplay('a');
        return f;
      } catch (RuntimeException | Error e) {
        return null;
      }
    }
  }
}
